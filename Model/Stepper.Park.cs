namespace Model;

/// <summary>Semaphores (sema.go, as ARCHITECTURE.md reduces them), gopark → park_m, and ready.</summary>
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
        GoPark(cx, m, g, ordinal, sema);
    }

    /// <summary>Mirrors runtime.gopark (proc.go): the g must be running ("gopark: bad g status"); mcall(park_m) from
    /// the op at <paramref name="ordinal"/>.</summary>
    internal static void GoPark(in StepContext cx, M m, G g, int ordinal, int sema)
    {
        if (g.Status != GStatus.Running) throw new ModelThrowException(Throw.BadGopark);
        McallFrom(cx, g, ordinal);
        ParkM(cx, m, g, sema);
    }

    /// <summary>Mirrors runtime.park_m (proc.go): E5, dropg, the unlock function (the semaphore's lock), schedule.</summary>
    internal static void ParkM(in StepContext cx, M m, G g, int sema)
    {
        CasGStatus(cx, g, GStatus.Running, GStatus.Waiting, Transitions.Park);
        DropG(m, g);
        cx.Emit(EventKind.GoBlock, g.Goid, sema);
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
        Ready(cx, m, w, g, sema);
        SystemstackReturn(g);
    }

    /// <summary>Mirrors runtime.ready (proc.go): E6, runqput(pp, gp, next=true), wakep. Throws "bad g->status in ready".</summary>
    internal static void Ready(in StepContext cx, M m, G gp, G by, int sema)
    {
        if (gp.Status != GStatus.Waiting) throw new ModelThrowException(Throw.BadReady);
        // Readied from a semaphore with no ticket: when it runs it tries cansemacquire again (semacquire1's loop).
        // A negative WaitSema marks that pending retry (-(index + 1)); a positive one means waiting on it.
        gp.WaitSema = -sema - 1;
        CasGStatus(cx, gp, GStatus.Waiting, GStatus.Runnable, Transitions.Ready);
        cx.Emit(EventKind.GoUnblock, gp.Goid, by.Goid, sema);
        var p = cx.POf(m);
        RunQPut(cx, p, gp, next: true);
        WakeP(cx);
    }
}
