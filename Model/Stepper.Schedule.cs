namespace Model;

/// <summary>schedule, findRunnable, execute, and the mcall functions that end a g's turn: gosched_m and goexit0.</summary>
internal static partial class Stepper
{
    /// <summary>Whether findRunnable finds work without stealing (its own P's due timers, the 61 check, runqget,
    /// globrunqget), or the non-blocking netpoll before stealing would return a g.</summary>
    internal static bool HasLocalWork(SchedState s, P p) =>
        s.RunQSize != 0 || !p.RunQEmpty || HasDueTimer(s, p) || NetpollBeforeSteal(s) && HasReadyPollDesc(s);

    /// <summary>Whether some P other than <paramref name="p"/> has gs in its ring: stealWork's first three passes
    /// (ring only, no timers) then find work, so only those Ps are victims.</summary>
    internal static bool AnyRingBut(SchedState s, P p)
    {
        foreach (var v in s.Ps)
            if (v != p && v.Head != v.Tail) return true;
        return false;
    }

    /// <summary>findRunnable's steal condition: the M spins, or 2·nmspinning &lt; gomaxprocs − npidle.</summary>
    internal static bool MayTrySteal(SchedState s, M m) => m.Spinning || 2 * s.NmSpinning < s.Ps.Count - s.NPidle;

    /// <summary>Mirrors runtime.schedule (proc.go): findRunnable, resetspinning, execute. The steal victim is chosen
    /// by the action (-1: no steal succeeds). An M woken by startm first acquires its nextp (mstart1 → acquirep).</summary>
    internal static void Schedule(in StepContext cx, M m, int victim)
    {
        if (m.Phase == MPhase.Start)
        {
            var np = cx.S.Ps[m.NextP - 1];
            m.NextP = 0;
            AcquireP(cx, m, np);
            m.Phase = MPhase.Schedule;
        }
        var gp = FindRunnable(cx, m, victim, out var inheritTime);
        if (gp is null) return;
        // This thread is going to run a goroutine and is not spinning anymore.
        if (m.Spinning) ResetSpinning(cx, m);
        Execute(cx, m, gp, inheritTime);
    }

    /// <summary>Mirrors runtime.findRunnable (proc.go, 1.19 order), the parts the model has: checkTimers on its own P,
    /// the 1-in-61 global check, the local queue (runnext first), a global batch, stealing from
    /// <paramref name="victim"/> (when spinning or when fewer than half the busy Ps have spinning Ms), then giving up
    /// (<see cref="FindRunnableGiveUp"/>). stealWork's last pass runs a victim's due timers before trying its runnext
    /// (the readied gs land in this P's runnext, which runqget then takes); with gs in some other ring, the first
    /// passes steal from a ring and no timer runs. Null when nothing was found this step: the M then stopped, or took
    /// an idle P back to look again.</summary>
    internal static G? FindRunnable(in StepContext cx, M m, int victim, out bool inheritTime)
    {
        var s = cx.S;
        var p = cx.POf(m);
        inheritTime = false;
        G? gp = null;
        // now and pollUntil are saved for work stealing later (checkTimers at findRunnable's top).
        CheckTimers(cx, m, p, out _);
        // 6. Check the global runnable queue once in a while to ensure fairness.
        if (p.SchedTick % SchedConstants.GlobalRunQCheckPeriod == 0 && s.RunQSize > 0) gp = GlobRunQGet(cx, p, 1);
        // 8. Local runq, runnext first.
        gp ??= RunQGet(cx, p, out inheritTime);
        // 9. Global batch.
        if (gp is null && s.RunQSize != 0) gp = GlobRunQGet(cx, p, 0);
        // 10. Poll network: netpoll(0) is only an optimisation before stealing (netpollinited, waiters, lastpoll).
        if (gp is null && NetpollBeforeSteal(s))
        {
            var list = Netpoll(cx, blockingSite: false);
            if (list.Count > 0) return TakeNetpollList(cx, m, list);
        }
        // 11. Steal.
        if (gp is null && MayTrySteal(s, m))
        {
            if (!m.Spinning)
            {
                m.Spinning = true;
                s.NmSpinning++;
            }
            if (victim >= 0)
            {
                var v = s.Ps[victim];
                if (!AnyRingBut(s, p) && HasDueTimer(s, v))
                {
                    // stealWork, last pass: checkTimers(p2) ran timers, so look in the local queue.
                    CheckTimers(cx, m, v, out _);
                    gp = RunQGet(cx, p, out inheritTime);
                }
                else gp = RunQSteal(cx, p, v);
            }
        }
        if (gp is null) gp = FindRunnableGiveUp(cx, m, p);
        return gp;
    }

    /// <summary>findRunnable's tail (steps 13-16): release the P, drop spinning, re-check every run queue (a
    /// spinning M takes an idle P back and schedules again), then the poll network step, else stopm. Returns the g
    /// the poll found when it also got a P back, else null.</summary>
    internal static G? FindRunnableGiveUp(in StepContext cx, M m, P p)
    {
        var s = cx.S;
        ReleaseP(cx, m, p);
        PidlePut(cx, p);
        if (m.Spinning)
        {
            m.Spinning = false;
            s.NmSpinning--;
            if (s.NmSpinning < 0) throw new ModelThrowException(Throw.NegativeSpinning);
            foreach (var p2 in s.Ps)
            {
                // Go skips the Ps in idlepMask (those on pidle), not every _Pidle P: a P handed to a starting M counts.
                if (p2.RunQEmpty || s.Pidle.Contains(p2.Id)) continue;
                var pp = PidleGet(cx);
                if (pp is not null)
                {
                    AcquireP(cx, m, pp);
                    m.Spinning = true;
                    s.NmSpinning++;
                    m.Phase = MPhase.Schedule;
                    return null;
                }
                break;
            }
        }
        // Poll network until next timer (proc.go): netpollinited, waiters (or a timer: see below), and the lastpoll
        // token (always free here). Under faketime the delay is 0: nothing ready means stopm. Differs from Go: with
        // no network waiter and only a timer (pollUntil != 0) Go also polls, finds nothing (the epoll holds no fd
        // but its break fd) and stops; the model and the runtime skip that empty poll and its event.
        if (s.NetpollInited && s.NetpollWaiters > 0)
        {
            var list = Netpoll(cx, blockingSite: true);
            if (list.Count > 0)
            {
                var pp = PidleGet(cx);
                if (pp is not null)
                {
                    AcquireP(cx, m, pp);
                    m.Phase = MPhase.Schedule;
                    return TakeNetpollList(cx, m, list);
                }
                InjectGlist(cx, m, list);
            }
        }
        StopM(cx, m);
        return null;
    }

    /// <summary>Mirrors runtime.resetspinning (proc.go): drop spinning, and wakep in case more work is waiting.</summary>
    internal static void ResetSpinning(in StepContext cx, M m)
    {
        m.Spinning = false;
        cx.S.NmSpinning--;
        if (cx.S.NmSpinning < 0) throw new ModelThrowException(Throw.NegativeSpinning);
        WakeP(cx);
    }

    /// <summary>Mirrors runtime.execute (proc.go): m.curg and g.m before E4; schedtick++ unless inheritTime; gogo.</summary>
    internal static void Execute(in StepContext cx, M m, G g, bool inheritTime)
    {
        m.Curg = g.Slot + 1;
        g.M = m.Id + 1;
        CasGStatus(cx, g, GStatus.Runnable, GStatus.Running, Transitions.Execute);
        // gp.preempt = false; gp.stackguard0 = gp.stack.lo + _StackGuard: a request made before is void.
        g.Preempt = false;
        g.GuardPreempt = false;
        if (!inheritTime)
        {
            cx.POf(m).SchedTick++;
            cx.POf(m).SliceFresh = true;
        }
        cx.Emit(EventKind.GoStart, g.Goid, inheritTime ? 1 : 0);
        Gogo(cx, g);
        m.Phase = MPhase.Running;
    }

    /// <summary>Mirrors runtime.dropg (proc.go).</summary>
    internal static void DropG(M m, G g)
    {
        m.Curg = 0;
        g.M = 0;
    }

    /// <summary>Mirrors runtime.Gosched (proc.go): mcall(gosched_m) from the <c>yield</c> at <paramref name="ordinal"/>.</summary>
    internal static void Gosched(in StepContext cx, M m, G g, int ordinal)
    {
        McallFrom(cx, g, ordinal);
        GoschedM(cx, m, g);
    }

    /// <summary>Mirrors runtime.gosched_m → goschedImpl (proc.go, 1.19): E7, dropg, globrunqput, schedule.
    /// Throws "bad g status" unless running.</summary>
    internal static void GoschedM(in StepContext cx, M m, G g) => GoschedImpl(cx, m, g, EventKind.GoSched);

    /// <summary>Mirrors runtime.gopreempt_m (proc.go, 1.19): traceGoPreempt, then goschedImpl, exactly as a yield.
    /// Reached from newstack when stackguard0 was stackPreempt.</summary>
    internal static void GoPreemptM(in StepContext cx, M m, G g) => GoschedImpl(cx, m, g, EventKind.GoPreempt);

    /// <summary>Mirrors runtime.goschedImpl (proc.go, 1.19), with the tracer's event of its caller
    /// (<paramref name="trace"/>: GoSched for gosched_m, GoPreempt for gopreempt_m).</summary>
    private static void GoschedImpl(in StepContext cx, M m, G g, EventKind trace)
    {
        if (g.Status != GStatus.Running) throw new ModelThrowException(Throw.BadGosched);
        CasGStatus(cx, g, GStatus.Running, GStatus.Runnable, Transitions.Gosched);
        DropG(m, g);
        cx.Emit(trace, g.Goid);
        GlobRunQPut(cx, g);
        m.Phase = MPhase.Schedule;
    }

    /// <summary>Mirrors runtime.goexit1 (proc.go): mcall(goexit0). <paramref name="ordinal"/> is the <c>exit</c> op,
    /// or -1 at the end of the body (returning into goexit+1).</summary>
    internal static void GoExit1(in StepContext cx, M m, G g, int ordinal)
    {
        // Returned into goexit+1: the body's RET popped the fake return address (sp = hi − 32), and its epilogue
        // restored the entry bp, 0. goexit1 mcalls from there (Native/Amd64/Goexit.cs).
        if (ordinal < 0) McallSave(cx, g, FrameAbi.GoexitSp, AbstractPc.GoExit, 0);
        else McallFrom(cx, g, ordinal);
        GoExit0(cx, m, g);
    }

    /// <summary>Mirrors runtime.goexit0 (proc.go, 1.19): E8, clear g.m, dropg, gfput, schedule.</summary>
    internal static void GoExit0(in StepContext cx, M m, G g)
    {
        CasGStatus(cx, g, GStatus.Running, GStatus.Dead, Transitions.GoExit);
        g.M = 0;
        g.WaitSema = 0;
        g.Sleeping = false;
        g.TimerWhen = 0;
        g.NetPd = 0;
        // The dead g's stack contents no longer matter; clear them so equal runs reach equal states.
        g.After = -1;
        Array.Clear(g.Counters);
        g.SendSeq = 0;
        g.RecvSlot = 0;
        DropG(m, g);
        cx.Emit(EventKind.GoEnd, g.Goid);
        GfPut(cx, cx.POf(m), g);
        m.Phase = MPhase.Schedule;
    }
}
