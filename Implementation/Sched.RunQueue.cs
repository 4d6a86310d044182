using Implementation.Trace;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>
    /// Mirrors runtime.runqput (proc.go). Only the owner P's M calls it. With next, gp goes into runnext and the g it
    /// evicts (if any) goes to the ring's tail; a full ring spills half of itself plus the g to the global queue.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void RunQPut(MState mp, P* pp, G* gp, bool next)
    {
#if CHECKER_MUTANTS
        if (_mutant == Mutant.RunqPutIgnoresNext) next = false;
#endif
        if (next)
        {
            G* oldnext;
            if (_singleP)
            {
                // No thief exists (see _singleP): the CAS cannot fail, so it is a load and a store-release.
                oldnext = pp->RunNext;
                Volatile.Write(ref *(nint*)&pp->RunNext, (nint)gp);
            }
            else
            {
                do oldnext = pp->RunNext;
                while (Interlocked.CompareExchange(ref *(nint*)&pp->RunNext, (nint)gp, (nint)oldnext) != (nint)oldnext);
            }
            if (_tracing) Trace(mp, EventKind.RunnextPut, gp->Goid, oldnext == null ? 0 : oldnext->Goid);
            if (oldnext == null) return;
            // Kick the old runnext out to the regular run queue.
            gp = oldnext;
        }
        while (true)
        {
            var h = Volatile.Read(ref pp->RunqHead); // load-acquire, synchronize with consumers
            var t = pp->RunqTail;
            if (t - h < P.RunqSize)
            {
                pp->Runq[t % P.RunqSize] = (long)gp;
                Volatile.Write(ref pp->RunqTail, t + 1); // store-release, makes the item available for consumption
                if (_tracing) Trace(mp, EventKind.RunqPut, gp->Goid, h, t + 1);
                return;
            }
            if (RunQPutSlow(mp, pp, gp, h, t)) return;
            // The queue is not full now: the put above must succeed.
        }
    }

    /// <summary>
    /// Mirrors runtime.runqputslow (proc.go): moves the older half of a full ring plus gp to the global queue as one
    /// batch. False when a consumer moved head in the meantime (the caller retries).
    /// </summary>
    private bool RunQPutSlow(MState mp, P* pp, G* gp, uint h, uint t)
    {
        const uint half = SchedConstants.RunQHalf;
        var batch = stackalloc G*[(int)half + 1];
        var n = (t - h) / 2;
        if (n != half) Fatal("runqputslow: queue is not full");
        for (uint i = 0; i < n; i++) batch[i] = (G*)pp->Runq[(h + i) % P.RunqSize];
        if (Interlocked.CompareExchange(ref pp->RunqHead, h + n, h) != h) return false;
        var count = (int)n + 1;
#if CHECKER_MUTANTS
        if (_mutant == Mutant.RunqPutSlowForgetsG) count = (int)n;
        else
#endif
        batch[n] = gp;
        for (var i = 0; i < count - 1; i++) batch[i]->SchedLink = batch[i + 1];
        batch[count - 1]->SchedLink = null;
        _lock.Lock();
        GlobRunQPutBatch(batch[0], batch[count - 1], count);
        if (_tracing) Trace(mp, EventKind.RunqPutSlow, gp->Goid, count, h + n, _runqSize);
        _lock.Unlock();
        return true;
    }

    /// <summary>
    /// Mirrors runtime.runqget (proc.go): runnext first (inheritTime = true), then the ring's head. Only the owner
    /// calls it. A failed runnext CAS means a thief took it: do not retry.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal G* RunQGet(MState mp, P* pp, out bool inheritTime)
    {
        var next = pp->RunNext;
        if (next != null && (_singleP ? TakeRunNextSingleP(pp) : Interlocked.CompareExchange(ref *(nint*)&pp->RunNext, 0, (nint)next) == (nint)next))
        {
            inheritTime = true;
            if (_tracing) Trace(mp, EventKind.RunqGet, next->Goid, Volatile.Read(ref pp->RunqHead), pp->RunqTail, 1);
            return next;
        }
        inheritTime = false;
        while (true)
        {
            var h = Volatile.Read(ref pp->RunqHead); // load-acquire, synchronize with other consumers
            var t = pp->RunqTail;
            if (t == h) return null;
            var gp = (G*)pp->Runq[h % P.RunqSize];
            PrefetchQueued(pp, h, t);
            if (_singleP)
            {
                // No other consumer exists (see _singleP): the CAS cannot fail, so it is a store-release.
                Volatile.Write(ref pp->RunqHead, h + 1);
                if (_tracing) Trace(mp, EventKind.RunqGet, gp->Goid, h + 1, t, 0);
                return gp;
            }
            if (Interlocked.CompareExchange(ref pp->RunqHead, h + 1, h) == h) // cas-release, commits consume
            {
                if (_tracing) Trace(mp, EventKind.RunqGet, gp->Goid, h + 1, t, 0);
                return gp;
            }
        }
    }

    /// <summary>
    /// Not in Go: a hint for the next executes (prefetches change nothing and never fault). The g after the one being
    /// taken will run next: its stack top (where it resumes: its sched.sp, read from a record prefetched one round
    /// earlier) is fetched; the g after it has its record fetched. The slots read are this P's own ring between head
    /// and tail, which hold G records (never freed during a run); a stale value only makes the hint useless.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void PrefetchQueued(P* pp, uint h, uint t)
    {
        var n = t - h;
        if (n < 2) return;
        var next = (G*)pp->Runq[(h + 1) % P.RunqSize];
        System.Runtime.Intrinsics.X86.Sse.Prefetch0((void*)next->Sched.Sp);
        if (n >= 3) PrefetchG((G*)pp->Runq[(h + 2) % P.RunqSize]);
    }

    /// <summary>runqget's runnext CAS to null on one P, where it cannot fail: a store-release of null.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool TakeRunNextSingleP(P* pp)
    {
        Volatile.Write(ref *(nint*)&pp->RunNext, 0);
        return true;
    }

    /// <summary>
    /// Mirrors runtime.runqgrab (proc.go): takes the ceiling of half of victim's ring into batch (a ring of 256
    /// starting at batchHead), or, when the ring is empty and stealRunNext, its runnext. Returns the number taken.
    /// </summary>
    private uint RunQGrab(P* victim, long* batch, uint batchHead, bool stealRunNext, out bool tookRunNext)
    {
        tookRunNext = false;
        while (true)
        {
            var h = Volatile.Read(ref victim->RunqHead);
            var t = Volatile.Read(ref victim->RunqTail);
            var n = t - h;
            n -= n / 2;
#if CHECKER_MUTANTS
            if (_mutant == Mutant.StealTakesAll) n = t - h;
#endif
            if (n == 0)
            {
                if (stealRunNext)
                {
                    var next = victim->RunNext;
                    if (next != null)
                    {
                        // The victim is running and just made next its runnext: give it a moment to schedule it
                        // rather than bouncing the g between Ps (Go sleeps 3µs here).
                        if (Volatile.Read(ref victim->Status) == (int)PStatus.Running && !_controlled) Native.Compiler.Sleep.Usleep(3);
                        if (Interlocked.CompareExchange(ref *(nint*)&victim->RunNext, 0, (nint)next) != (nint)next) continue;
                        batch[batchHead % P.RunqSize] = (long)next;
                        tookRunNext = true;
                        return 1;
                    }
                }
                return 0;
            }
            if (n > SchedConstants.RunQHalf && _mutant != Mutant.StealTakesAll) continue; // read inconsistent h and t
            if (n > P.RunqSize) continue;
            for (uint i = 0; i < n; i++)
                batch[(batchHead + i) % P.RunqSize] = victim->Runq[(h + i) % P.RunqSize];
            if (Interlocked.CompareExchange(ref victim->RunqHead, h + n, h) == h) return n; // cas-release, commits consume
        }
    }

    /// <summary>
    /// Mirrors runtime.runqsteal (proc.go): grabs half of p2's queue straight into pp's ring and returns the last g
    /// taken (to run now); the others are published with a store-release of pp's tail.
    /// </summary>
    internal G* RunQSteal(MState mp, P* pp, P* p2, bool stealRunNext)
    {
        var t = pp->RunqTail;
        var n = RunQGrab(p2, pp->Runq, t, stealRunNext, out var tookRunNext);
        if (n == 0) return null;
        var taken = n;
        n--;
        var gp = (G*)pp->Runq[(t + n) % P.RunqSize];
        if (n != 0)
        {
            var h = Volatile.Read(ref pp->RunqHead);
            if (t - h + n >= P.RunqSize) Fatal("runqsteal: runq overflow");
            Volatile.Write(ref pp->RunqTail, t + n); // store-release, makes the items available for consumption
        }
        Interlocked.Increment(ref _steals);
        if (_tracing) Trace(mp, EventKind.RunqSteal, gp->Goid, p2->Id, taken, Volatile.Read(ref p2->RunqHead), tookRunNext ? 1 : 0);
        return gp;
    }

    /// <summary>Mirrors runtime.runqempty (proc.go): head == tail and no runnext, read so that a concurrent
    /// runnext kick-out cannot make a non-empty queue look empty.</summary>
    internal static bool RunQEmpty(P* pp)
    {
        while (true)
        {
            var head = Volatile.Read(ref pp->RunqHead);
            var tail = Volatile.Read(ref pp->RunqTail);
            var runnext = Volatile.Read(ref *(nint*)&pp->RunNext);
            if (tail == Volatile.Read(ref pp->RunqTail)) return head == tail && runnext == 0;
        }
    }

    /// <summary>Length of the ring plus runnext, for reports and tests (not synchronised).</summary>
    internal static int RunQLength(P* pp) => (int)(pp->RunqTail - pp->RunqHead) + (pp->RunNext != null ? 1 : 0);
}
