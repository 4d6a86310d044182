using Implementation.Trace;
using Native;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>RuntimeOptions.FixedStacks: 64 KiB stacks that never grow (null otherwise).</summary>
    private StackPool? _stacks;
    /// <summary>Go's growable stacks (null with FixedStacks), and each P's stackcache (by P id).</summary>
    private GoStacks? _goStacks;
    private GoStacks.Cache[] _stackCaches = [];
    private readonly GSlab _gslab = new();

    /// <summary>startingStackSize (Go 1.19 proc.go): what malg and gfget give a g.</summary>
    private long _startingStackSize;

    private void InitStacks(RuntimeOptions options)
    {
        if (options.FixedStacks)
        {
            _stacks = new StackPool();
            _startingStackSize = _stacks.StackSize;
            return;
        }
        _goStacks = new GoStacks();
#if CHECKER_MUTANTS
        _goStacks.AllowUnevenSizes = _mutant == Mutant.GrowByFixed2K; // the seeded bug's 6 KiB, 10 KiB, ... stacks
#endif
        _stackCaches = new GoStacks.Cache[Procs];
        for (var i = 0; i < Procs; i++) _stackCaches[i] = new GoStacks.Cache();
        _startingStackSize = GoStacks.StackMin;
    }

    /// <summary>stackalloc(startingStackSize) for a g without a stack (malg, gfget), from the P's stack cache.</summary>
    private void StackAllocStarting(MState mp, G* gp, int colourIndex)
    {
        if (_goStacks is { } gs)
        {
            gs.Allocate(_stackCaches[mp.P->Id], gp, GoStacks.StackMin);
            return;
        }
        _stacks!.Allocate(gp);
        // Cache colouring (not in Go): fixed stacks sit exactly 64 KiB apart, so their tops would all fall into the same
        // cache sets; moving each top down by a different multiple of 64 bytes (up to 4 KiB) spreads them out. Growable
        // stacks are not coloured (as in Go: their sizes and places vary, and a 2 KiB stack has no room for it).
        gp->StackHi -= StackColour(colourIndex);
    }

    /// <summary>
    /// Mirrors runtime.newproc (proc.go): newproc1, then runqput(pp, newg, next=true), then wakep (main has started).
    /// Must run on g0 with a P.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal G* NewProc(MState mp, int body, G* callergp, nint callerpc)
    {
        var newg = NewProc1(mp, body, callergp, callerpc);
        RunQPut(mp, mp.P, newg, true);
        WakeP(mp);
        return newg;
    }

    /// <summary>
    /// Mirrors runtime.newproc1 (proc.go): a g from gfget or a fresh one (malg, E2, allgadd), its first frame laid
    /// out as gostartcallfn does, a goid from the P's cache, then E3 Dead → Runnable. Difference from 1.19: the goid is
    /// assigned before E3 (as Go tip does), so E3's Status event names the new goid rather than a reused g's old one.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal G* NewProc1(MState mp, int body, G* callergp, nint callerpc)
    {
        var entries = _bodyEntries;
        if ((uint)body >= (uint)entries.Length) Fatal("go of nil func value");
        var pp = mp.P;
        var newg = GfGet(mp, pp);
        if (newg == null)
        {
            lock (_allgLock) newg = _gslab.New(); // malg(stackMin)
            StackAllocStarting(mp, newg, _allgs.Count);
            newg->AtomicStatus = (uint)GStatus.Idle;
            CasGStatus(mp, newg, GStatus.Idle, GStatus.Dead); // E2: published only as dead
            AllgAdd(newg);
        }
        if (newg->StackHi == 0) Fatal("newproc1: newg missing stack");
        var status = ReadGStatus(newg);
        if (status != GStatus.Dead && _mutant != Mutant.GfGetNotDead) Fatal("newproc1: new g is not Gdead");

        // gostartcallfn sets ctxt = fv, the closure; a body has no captured variables, so its entry stands for the
        // funcval (nonzero, as Go's always is): gogo loads it into DX and clears sched.ctxt (invariant B4).
#if CHECKER_MUTANTS
        if (_mutant == Mutant.NewProc1KeepsSched)
        {
            // Seeded bug: no memclr of the recycled g's gobuf; what the frame layout does not rewrite survives.
            var stale = newg->Sched;
            _stubs.Prepare(newg, entries[body], entries[body]);
            newg->Sched.Ret = stale.Ret;
            newg->Sched.Lr = stale.Lr;
            newg->Sched.Bp = stale.Bp;
        }
        else
#endif
        _stubs.Prepare(newg, entries[body], entries[body]);
        newg->GoPc = callerpc;
        newg->ParentGoid = callergp == null ? 0 : callergp->Goid;
        newg->Body = body;
        newg->WaitSema = -1;
        newg->WaitReason = 0;
        newg->M = null;
        newg->SendSeq = 0; // ChanValues: the send count restarts with the new goid
        newg->SelectDone = 0;
        newg->Waiting = 0;

        if (pp->GoidCache == pp->GoidCacheEnd)
        {
            // Sched.goidgen is the last allocated id; this batch must be [goidgen+1, goidgen+GoidCacheBatch].
            pp->GoidCache = (ulong)Interlocked.Add(ref _goidgen, GoidCacheBatch) - (GoidCacheBatch - 1);
            pp->GoidCacheEnd = pp->GoidCache + GoidCacheBatch;
            newg->Goid = (long)pp->GoidCache;
            if (_mutant != Mutant.GoidReused) pp->GoidCache++;
        }
        else
        {
            newg->Goid = (long)pp->GoidCache++;
        }
        CasGStatus(mp, newg, status == GStatus.Dead ? GStatus.Dead : status, GStatus.Runnable); // E3

        mp.Created++;
        if (_tracing)
        {
            Trace(mp, EventKind.GoCreate, newg->ParentGoid, newg->Goid, body, newg->StackLo, newg->StackHi);
        }
        return newg;
    }

    /// <summary>The bytes a stack's top is moved down by: 64 colours of one cache line each.</summary>
    internal static nint StackColour(int index) => FrameAbi.StackColour(index);

    /// <summary>Mirrors runtime.allgadd (proc.go): publishes a new g (it must not be Idle).</summary>
    private void AllgAdd(G* gp)
    {
        if (ReadGStatus(gp) == GStatus.Idle) Fatal("allgadd: bad status Gidle");
        lock (_allgLock)
        {
            gp->Index = _allgs.Count;
            _allgs.Add((nint)gp);
        }
    }

}
