namespace Model;

/// <summary>Semaphores (sema.go, as ARCHITECTURE.md reduces them), gopark → park_m, and ready. The channel ops park
/// and ready through the same two functions (Stepper.Chan.cs, Stepper.Select.cs).</summary>
internal static partial class Stepper
{
    /// <summary>Mirrors runtime.semacquire1 (sema.go), reduced: take a count, or queue FIFO and goparkunlock.</summary>
    internal static void SemAcquire(in StepContext cx, M m, G g, int ordinal, int sema)
    {
        var s = cx.S;
        if (s.SemaCount[sema] > 0)
        {
            s.SemaCount[sema]--;
            cx.Emit(EventKind.SemCount, g.Goid, sema, s.SemaCount[sema]);
            return;
        }
        s.SemaWaiters[sema].Add(g.Slot);
        g.WaitSema = sema + 1;
        GoPark(cx, m, g, ordinal, WaitReason.Semacquire, EventKind.GoBlock, sema);
    }

    /// <summary>Mirrors runtime.gopark (proc.go): the g must be running ("gopark: bad g status"); mcall(park_m) from
    /// the op at <paramref name="ordinal"/>. <paramref name="reason"/> is gopark's waitReason; <paramref name="block"/>
    /// with <paramref name="a"/> and <paramref name="b"/> is its trace event (traceEv: GoBlock for a semaphore,
    /// GoBlockSend, GoBlockRecv, GoBlockSelect, GoStop).</summary>
    internal static void GoPark(in StepContext cx, M m, G g, int ordinal, WaitReason reason, EventKind block, long a, long b = 0)
    {
        if (g.Status != GStatus.Running) throw new ModelThrowException(Throw.BadGopark);
        McallFrom(cx, g, ordinal);
        ParkM(cx, m, g, reason, block, a, b);
    }

    /// <summary>Mirrors runtime.park_m (proc.go): E5, dropg, the trace event gopark was given, the unlock function
    /// (the semaphore's or the channels' locks), schedule. The wait reason of a channel park is kept in the g
    /// (<see cref="G.ChanWait"/>); a semaphore's waiter is told by its WaitSema.</summary>
    internal static void ParkM(in StepContext cx, M m, G g, WaitReason reason, EventKind block, long a, long b = 0)
    {
        CasGStatus(cx, g, GStatus.Running, GStatus.Waiting, Transitions.Park);
        DropG(m, g);
        if (reason != WaitReason.Semacquire) g.ChanWait = reason;
        cx.Emit(block, g.Goid, a, b);
        m.Phase = MPhase.Schedule;
    }

    /// <summary>Mirrors runtime.semrelease1 (sema.go) as ARCHITECTURE.md defines it: hand the count to the longest
    /// waiter (goready: on the system stack, ready) or count up. Go 1.19's semrelease1 counts up and lets the woken
    /// waiter retry; the workload language specifies the handoff, so a woken waiter never finds the count taken.</summary>
    internal static void SemRelease(in StepContext cx, M m, G g, int ordinal, int sema)
    {
        var s = cx.S;
        var waiters = s.SemaWaiters[sema];
        // handoff = false: the count goes up first, then the oldest waiter is readied with no ticket (see Ready).
        s.SemaCount[sema]++;
        cx.Emit(EventKind.SemCount, g.Goid, sema, s.SemaCount[sema]);
        if (waiters.Count == 0) return;
        var w = s.AllGs[waiters[0]];
        waiters.RemoveAt(0);
        SystemstackSave(cx, g, ordinal);
        if (w.Status != GStatus.Waiting) throw new ModelThrowException(Throw.BadReady);
        // Readied from a semaphore with no ticket: when it runs it tries cansemacquire again (semacquire1's loop).
        // A negative WaitSema marks that pending retry (-(index + 1)); a positive one means waiting on it.
        w.WaitSema = -sema - 1;
        Ready(cx, m, w, g, sema, byChannel: false);
        SystemstackReturn(g);
    }

    /// <summary>Mirrors runtime.ready (proc.go): E6, runqput(pp, gp, next=true), wakep. Throws "bad g->status in ready".
    /// GoUnblock names the g that readied it and the semaphore's index, or with <paramref name="byChannel"/> the
    /// channel's (C = <c>ChanContract.UnblockByChannel</c>). A channel wait's reason is cleared.</summary>
    internal static void Ready(in StepContext cx, M m, G gp, G by, int obj, bool byChannel)
    {
        if (gp.Status != GStatus.Waiting) throw new ModelThrowException(Throw.BadReady);
        gp.ChanWait = WaitReason.None;
        CasGStatus(cx, gp, GStatus.Waiting, GStatus.Runnable, Transitions.Ready);
        cx.Emit(EventKind.GoUnblock, gp.Goid, by.Goid, obj, byChannel ? ChanContract.UnblockByChannel : 0);
        var p = cx.POf(m);
        RunQPut(cx, p, gp, next: true);
        WakeP(cx);
    }
}
