using Implementation.Trace;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>
    /// Mirrors runtime.semacquire1 (sema.go), reduced: take a count if there is one (0 = continue); otherwise queue the
    /// g as the semaphore's newest waiter and return 1 with the semaphore's lock still held, as goparkunlock keeps it
    /// until park_m has made the g Waiting. The emitted code then mcalls with reason Park.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal long SemAcquire(MState mp, G* gp, int sema)
    {
        var s = _semas[sema];
#if CHECKER_MUTANTS
        if (_mutant == Mutant.SemaHandoff && gp->Param == 1)
        {
            gp->Param = 0; // seeded bug: the ticket the release left, taken without racing for the count
            return 0;
        }
#endif
        s.Lock.Lock();
        if (s.Count > 0)
        {
            var after = --s.Count;
            s.Lock.Unlock();
            if (_tracing) Trace(mp, EventKind.SemCount, gp->Goid, sema, after);
            return 0;
        }
        gp->SchedLink = null;
        if (s.Tail != null) s.Tail->SchedLink = gp;
        else s.Head = gp;
        s.Tail = gp;
        s.Waiters++;
        gp->WaitSema = sema;
        Gopark(mp, gp, &SemParkCommit, sema, WaitReasonSemacquire, EventKind.GoBlock, sema, 0);
        return 1;
    }

    /// <summary>Go's waitReasonSemacquire.</summary>
    internal const int WaitReasonSemacquire = 18;

    /// <summary>
    /// Mirrors runtime.semrelease1 (sema.go) with handoff = false, as sync's Semrelease is used: the count goes up
    /// whether or not anyone waits, then the longest waiter (FIFO) is readied (Waiting → Runnable into the releaser's
    /// runnext) with no ticket: when it runs it must win cansemacquire again (the emitted acquire loops back), so a g
    /// that acquires first — the releaser itself, say — barges ahead of it, and the waiter queues again at the tail.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal long SemRelease(MState mp, G* gp, int sema)
    {
        var s = _semas[sema];
        s.Lock.Lock();
        var w = s.Head;
        if (w != null && _mutant != Mutant.ReleaseLosesWakeup)
        {
            s.Head = w->SchedLink;
            if (s.Head == null) s.Tail = null;
            w->SchedLink = null;
            s.Waiters--;
        }
        else w = null;
#if CHECKER_MUTANTS
        if (_mutant == Mutant.SemaHandoff && w != null)
        {
            w->Param = 1; // seeded bug: the count goes to the waiter as a ticket, nobody can barge
            s.Lock.Unlock();
            Ready(mp, w, gp, sema);
            return 0;
        }
#endif
        var after = ++s.Count;
        s.Lock.Unlock();
        if (_tracing) Trace(mp, EventKind.SemCount, gp->Goid, sema, after);
        if (w != null) Ready(mp, w, gp, sema);
        return 0;
    }

    /// <summary>
    /// The first half of runtime.gopark (proc.go), done by the service that decides to park: the wait reason goes on
    /// the g, and the unlock function, its lock and the trace annotation on the M (m.waitunlockf, m.waitlock,
    /// m.waittraceev); the emitted code then does the mcall(park_m). <paramref name="unlockf"/> null parks with no lock
    /// to release (gopark(nil, nil, ...): a nil channel, a select with nothing to wait on).
    /// </summary>
    private static void Gopark(MState mp, G* gp, delegate*<Sched, G*, nint, bool> unlockf, nint lockArg, int reason,
        EventKind traceEv, long traceA, long traceB)
    {
        gp->WaitReason = reason;
        mp.WaitUnlockF = unlockf;
        mp.WaitLock = lockArg;
        mp.WaitTraceEv = traceEv;
        mp.WaitTraceA = traceA;
        mp.WaitTraceB = traceB;
    }

    /// <summary>semacquire's unlock function (goparkunlock of the semaphore's lock).</summary>
    private static bool SemParkCommit(Sched s, G* gp, nint sema)
    {
        s._semas[sema].Lock.Unlock();
        return true;
    }

    /// <summary>Mirrors runtime.park_m (proc.go): E5, dropg, the block annotation gopark asked for, then gopark's
    /// unlockf with its lock (the semaphore's, the hchan's, a select's hchans), then schedule. Every unlock function
    /// here returns true (Go's may refuse the park; none of ours does).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private G* ParkM(MState mp, G* gp)
    {
        CasGStatus(mp, gp, GStatus.Running, GStatus.Waiting); // E5
        DropG(mp, gp);
        var ev = mp.WaitTraceEv;
        mp.WaitTraceEv = 0;
        if (ev == 0) Fatal("park_m: no gopark");
        if (_tracing) Trace(mp, ev, gp->Goid, mp.WaitTraceA, mp.WaitTraceB);
        var unlockf = mp.WaitUnlockF;
        var lockArg = mp.WaitLock;
        mp.WaitUnlockF = null;
        mp.WaitLock = 0;
        if (mp.SleepWhen != 0) ResetForSleep(mp, gp); // time.Sleep's unlock function (Sched.Timers.cs) needs the M's P
        else if (mp.IoPd != null)
        {
            // netpollblockcommit (Sched.Io.cs) may refuse: the reply came first. Go: casgstatus(gp, _Gwaiting,
            // _Grunnable) and execute it again (only a free-running run can get here).
            if (!NetpollBlockCommit(mp, gp))
            {
                CasGStatus(mp, gp, GStatus.Waiting, GStatus.Runnable);
                return gp;
            }
        }
        else if (unlockf != null) unlockf(this, gp, lockArg);
        return null;
    }

    /// <summary>
    /// Mirrors runtime.ready (proc.go): the g must be Waiting ("bad g->status in ready"); E6; runqput(pp, gp,
    /// next=true); wakep. <paramref name="by"/> is the g that readied it.
    /// </summary>
    /// <paramref name="index"/> is the semaphore's index (<paramref name="unblockKind"/> 0) or the channel's
    /// (<see cref="ChanContract.UnblockByChannel"/>), for GoUnblock; <paramref name="next"/> false is only for a seeded bug.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Ready(MState mp, G* gp, G* by, int index, int unblockKind = 0, bool next = true)
    {
        if (ReadGStatus(gp) != GStatus.Waiting) Fatal("bad g->status in ready");
        gp->WaitSema = -1;
        gp->WaitReason = 0;
        CasGStatus(mp, gp, GStatus.Waiting, GStatus.Runnable); // E6
        if (_tracing) Trace(mp, EventKind.GoUnblock, gp->Goid, by == null ? 0 : by->Goid, index, unblockKind);
#if CHECKER_MUTANTS
        if (_mutant == Mutant.ReadyToGlobal) GlobRunQPutLocked(mp, gp);
        else
#endif
        RunQPut(mp, mp.P, gp, next);
        WakeP(mp);
    }
}
