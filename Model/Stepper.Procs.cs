namespace Model;

/// <summary>Ps and Ms: acquirep/releasep, the idle lists, wakep, startm, stopm, handoffp, checkdead.</summary>
internal static partial class Stepper
{
    /// <summary>Mirrors runtime.pidleput (proc.go). Throws "pidleput: P has non-empty run queue".</summary>
    internal static void PidlePut(in StepContext cx, P p)
    {
        if (!p.RunQEmpty) throw new ModelThrowException(Throw.PidlePutNonEmpty);
        cx.S.Pidle.Add(p.Id);
    }

    /// <summary>Mirrors runtime.pidleget (proc.go): LIFO.</summary>
    internal static P? PidleGet(in StepContext cx)
    {
        var s = cx.S;
        if (s.Pidle.Count == 0) return null;
        var p = s.Ps[s.Pidle[^1]];
        s.Pidle.RemoveAt(s.Pidle.Count - 1);
        return p;
    }

    /// <summary>Mirrors runtime.mput (proc.go): onto sched.midle, then checkdead.</summary>
    internal static void MPut(in StepContext cx, M m)
    {
        cx.S.Midle.Add(m.Id);
        CheckDead(cx);
    }

    /// <summary>Mirrors runtime.mget (proc.go): LIFO.</summary>
    internal static M? MGet(in StepContext cx)
    {
        var s = cx.S;
        if (s.Midle.Count == 0) return null;
        var m = s.Ms[s.Midle[^1]];
        s.Midle.RemoveAt(s.Midle.Count - 1);
        return m;
    }

    /// <summary>Mirrors runtime.acquirep / wirep (proc.go).</summary>
    internal static void AcquireP(in StepContext cx, M m, P p)
    {
        m.P = p.Id + 1;
        p.M = m.Id + 1;
        var old = p.Status;
        p.Status = PStatus.Running;
        cx.EmitP(p, old, PStatus.Running);
    }

    /// <summary>Mirrors runtime.releasep (proc.go).</summary>
    internal static void ReleaseP(in StepContext cx, M m, P p)
    {
        m.P = 0;
        p.M = 0;
        var old = p.Status;
        p.Status = PStatus.Idle;
        cx.EmitP(p, old, PStatus.Idle);
    }

    /// <summary>Mirrors runtime.wakep (proc.go, 1.19): only with an idle P and when nmspinning goes 0 → 1.</summary>
    internal static void WakeP(in StepContext cx)
    {
        var s = cx.S;
        if (s.NPidle == 0) return;
        if (s.NmSpinning != 0) return;
        s.NmSpinning = 1;
        StartM(cx, null, spinning: true);
    }

    /// <summary>Mirrors runtime.startm (proc.go): an idle P (or <paramref name="p"/>) for an idle M (mget) or a new
    /// one (newm), which acquires it when it next steps.</summary>
    internal static void StartM(in StepContext cx, P? p, bool spinning)
    {
        var s = cx.S;
        if (p is null)
        {
            p = PidleGet(cx);
            if (p is null)
            {
                if (spinning) s.NmSpinning--;
                return;
            }
        }
        var nmp = MGet(cx);
        if (nmp is null)
        {
            nmp = new M(s.Ms.Count); // newm
            s.Ms.Add(nmp);
        }
        nmp.Spinning = spinning;
        nmp.NextP = p.Id + 1;
        nmp.Phase = MPhase.Start;
    }

    /// <summary>Mirrors runtime.stopm (proc.go): mput (which runs checkdead), then sleep until startm.</summary>
    internal static void StopM(in StepContext cx, M m)
    {
        m.Phase = MPhase.Idle;
        MPut(cx, m);
    }

    /// <summary>Mirrors runtime.checkdead (proc.go): with no M running, a g that could run is "checkdead: runnable g";
    /// gs that all wait are "all goroutines are asleep - deadlock!" unless a timer is pending, when the faketime
    /// branch jumps the clock (<see cref="TimeJump"/>). Unlike Go, all gs dead is a completed run.</summary>
    internal static void CheckDead(in StepContext cx)
    {
        var s = cx.S;
        foreach (var m in s.Ms)
            if (m.Phase != MPhase.Idle) return;
        var waiting = false;
        foreach (var g in s.AllGs)
        {
            switch (g.Status)
            {
                case GStatus.Waiting: waiting = true; break;
                case GStatus.Dead: break;
                default: throw new ModelThrowException(Throw.CheckdeadRunnable);
            }
        }
        if (waiting)
        {
            // Maybe jump time forward (faketime): a pending timer is not a deadlock.
            if (TimeJump(cx)) return;
            s.Outcome = Outcome.Fatal;
            s.Fatal = Throw.Deadlock;
        }
        else
        {
            s.Outcome = Outcome.Completed;
        }
    }

    /// <summary>Mirrors runtime.handoffp (proc.go, 1.19; the runtime's twin is Sched.HandOffP): start an M for a P with
    /// work, or a spinning one when nobody spins and no P is idle, or a non-spinning one when this is the last P not
    /// idle and nobody blocks in the poller (its findRunnable then polls the network before the M stops); otherwise
    /// the P goes idle. sched.lastpoll is not a field here: the model runs under faketime, where the M that takes the
    /// poller token polls with delay 0 and puts it back inside its own step, so between steps lastpoll != 0 always
    /// holds and the clause is npidle == gomaxprocs − 1 (with or without network waiters, as in Go, where lastpoll
    /// starts nonzero). Not modelled: trace and GC work (gcwaiting, safe-point functions).</summary>
    internal static void HandoffP(in StepContext cx, P p)
    {
        var s = cx.S;
        if (!p.RunQEmpty || s.RunQSize != 0)
        {
            StartM(cx, p, spinning: false);
            return;
        }
        if (s.NmSpinning + s.NPidle == 0 && s.NmSpinning == 0)
        {
            s.NmSpinning = 1;
            StartM(cx, p, spinning: true);
            return;
        }
        // The last P that is not idle, and lastpoll != 0 (always, between steps): leave an M to poll the network.
        if (s.NPidle == s.Ps.Count - 1)
        {
            StartM(cx, p, spinning: false);
            return;
        }
        // nobarrierWakeTime, then pidleput; a P going idle with timers makes sure some M will look at them.
        var when = p.Timer0When;
        PidlePut(cx, p);
        if (when != 0) WakeNetPoller(cx, when);
    }
}
