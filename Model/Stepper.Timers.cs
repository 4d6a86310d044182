namespace Model;

/// <summary>
/// Timers and time.Sleep (time.go, Go 1.19): timeSleep, the per-P 4-ary heap (doaddtimer, siftupTimer,
/// siftdownTimer, dodeltimer0), checkTimers, runtimer/runOneTimer and goroutineReady; and the clock. The clock is
/// Go's faketime: virtual, moved only by checkdead's timejump when every M is idle (<see cref="TimeJump"/>), so a
/// state's successors depend on nothing outside it. The runtime's twin is <c>Implementation/Sched.Timers.cs</c>.
/// <para>Reduced to what timeSleep's timers do: every timer is one sleeping g's (f = goroutineReady, period 0), it is
/// added once per sleep and never modified or deleted, so the statuses timerModifiedEarlier/Later, timerDeleted and
/// adjusttimers never arise and are not modelled.</para>
/// </summary>
internal static partial class Stepper
{
    /// <summary>Mirrors time.Sleep → runtime.timeSleep (time.go): ns ≤ 0 returns at once (the compiled workload treats
    /// <c>sleep 0</c> as pure code, so it never reaches here); otherwise gp.timer.nextwhen = nanotime() + ns and
    /// gopark(resetForSleep, "sleep", traceEvGoSleep): mcall(park_m) from the op.</summary>
    internal static void TimeSleep(in StepContext cx, M m, G g, int ordinal, int micros)
    {
        if (micros <= 0) return;
        if (g.Status != GStatus.Running) throw new ModelThrowException(Throw.BadGopark);
        var when = cx.S.Now + micros;
        McallFrom(cx, g, ordinal);
        // park_m: traceGoPark (GoSleep), E5, dropg, then the unlock function resetForSleep → resettimer → modtimer,
        // which (the timer being new) does doaddtimer on the current P and wakeNetPoller(when).
        CasGStatus(cx, g, GStatus.Running, GStatus.Waiting, Transitions.Park);
        DropG(m, g);
        cx.Emit(EventKind.GoSleep, g.Goid);
        g.Sleeping = true;
        g.TimerWhen = when;
        DoAddTimer(cx, cx.POf(m), g, when);
        WakeNetPoller(cx, when);
        m.Phase = MPhase.Schedule;
    }

    /// <summary>Mirrors runtime.doaddtimer (time.go): netpollGenericInit on first use, append, siftupTimer.</summary>
    internal static void DoAddTimer(in StepContext cx, P p, G g, long when)
    {
        cx.S.NetpollInited = true;
        var t = p.Timers;
        t.Add(new TimerEntry(when, g.Slot));
        SiftUpTimer(t, t.Count - 1);
        cx.Emit(EventKind.TimerAdd, g.Goid, p.Id, when, t.Count);
    }

    /// <summary>Mirrors runtime.siftupTimer (time.go): the 4-ary heap's sift up, parent (i − 1) / 4, stopping at the
    /// first parent that is not later (so equal deadlines keep their insertion order above each other).</summary>
    internal static void SiftUpTimer(List<TimerEntry> t, int i)
    {
        var tmp = t[i];
        var when = tmp.When;
        while (i > 0)
        {
            var p = (i - 1) / TimerContract.HeapArity;
            if (when >= t[p].When) break;
            t[i] = t[p];
            i = p;
        }
        t[i] = tmp;
    }

    /// <summary>Mirrors runtime.siftdownTimer (time.go): the smallest of the four children, left pair then right
    /// pair, moves up while it is earlier.</summary>
    internal static void SiftDownTimer(List<TimerEntry> t, int i)
    {
        var n = t.Count;
        var tmp = t[i];
        var when = tmp.When;
        while (true)
        {
            var c = i * 4 + 1; // left child
            var c3 = c + 2; // mid child
            if (c >= n) break;
            var w = t[c].When;
            if (c + 1 < n && t[c + 1].When < w) { w = t[c + 1].When; c++; }
            if (c3 < n)
            {
                var w3 = t[c3].When;
                if (c3 + 1 < n && t[c3 + 1].When < w3) { w3 = t[c3 + 1].When; c3++; }
                if (w3 < w) { w = w3; c = c3; }
            }
            if (w >= when) break;
            t[i] = t[c];
            i = c;
        }
        t[i] = tmp;
    }

    /// <summary>Mirrors runtime.dodeltimer0 (time.go): the last entry replaces the first and sifts down.</summary>
    internal static TimerEntry DoDelTimer0(P p)
    {
        var t = p.Timers;
        var first = t[0];
        var last = t.Count - 1;
        if (last > 0) t[0] = t[last];
        t.RemoveAt(last);
        if (last > 0) SiftDownTimer(t, 0);
        return first;
    }

    /// <summary>Mirrors runtime.checkTimers (time.go's caller in proc.go) on <paramref name="p"/> at the clock's now:
    /// nothing when the first timer is later (its when is the returned pollUntil), else runtimer until the first is
    /// later. Timers readied gs into the stepping M's P (goready → ready → runqput(m.p, next)). Returns pollUntil (0:
    /// no timer left); <paramref name="ran"/> says whether any ran.</summary>
    internal static long CheckTimers(in StepContext cx, M m, P p, out bool ran)
    {
        ran = false;
        var now = cx.S.Now;
        while (p.Timers.Count > 0)
        {
            // runtimer: a timerWaiting first timer runs when it is due, else its when is the next wake-up.
            var first = p.Timers[0];
            if (first.When > now) return first.When;
            RunOneTimer(cx, m, p);
            ran = true;
        }
        return 0;
    }

    /// <summary>Mirrors runtime.runOneTimer (time.go) for a one-shot timer: dodeltimer0, status timerNoStatus, then
    /// f(arg) with the timers lock released: goroutineReady(gp) → goready → ready(gp, next = true).</summary>
    internal static void RunOneTimer(in StepContext cx, M m, P p)
    {
        var t = DoDelTimer0(p);
        var gp = cx.S.AllGs[t.G];
        cx.Emit(EventKind.TimerFire, gp.Goid, p.Id, t.When, p.Timers.Count);
        if (cx.S.Now < t.When) throw new ModelThrowException(Throw.TimerEarly);
        gp.Sleeping = false;
        GoReadyFromTimer(cx, m, gp);
    }

    /// <summary>Mirrors runtime.goroutineReady → goready → ready (proc.go): E6, runqput(m.p, gp, next = true),
    /// wakep. The same ready as a semaphore's (<see cref="Ready"/>), with nothing to retry afterwards.</summary>
    internal static void GoReadyFromTimer(in StepContext cx, M m, G gp)
    {
        if (gp.Status != GStatus.Waiting) throw new ModelThrowException(Throw.BadReady);
        CasGStatus(cx, gp, GStatus.Waiting, GStatus.Runnable, Transitions.Ready);
        cx.Emit(EventKind.GoUnblock, gp.Goid, 0, -1, TimerContract.UnblockByTimer);
        RunQPut(cx, cx.POf(m), gp, next: true);
        WakeP(cx);
    }

    /// <summary>Whether <paramref name="p"/>'s first timer is due at the clock's now (checkTimers would run it).</summary>
    internal static bool HasDueTimer(SchedState s, P p) => p.Timers.Count > 0 && p.Timers[0].When <= s.Now;

    /// <summary>Mirrors runtime.wakeNetPoller (proc.go): with a thread blocked in the poller, netpollBreak when the
    /// new timer is earlier than its pollUntil; with none (always, between the model's steps: under faketime the
    /// poll never blocks), wakep so that some M looks at the new timer.</summary>
    internal static void WakeNetPoller(in StepContext cx, long when)
    {
        _ = when;
        WakeP(cx);
    }

    /// <summary>Mirrors runtime.timeSleepUntil (proc.go): the earliest timer0When over all Ps, or long.MaxValue.</summary>
    internal static long TimeSleepUntil(SchedState s)
    {
        var next = long.MaxValue;
        foreach (var p in s.Ps)
        {
            var w = p.Timer0When;
            if (w != 0 && w < next) next = w;
        }
        return next;
    }

    /// <summary>Mirrors runtime.checkTimersNoP (proc.go): the earliest timer0When over all Ps, folded into pollUntil.</summary>
    internal static long CheckTimersNoP(SchedState s, long pollUntil)
    {
        foreach (var p in s.Ps)
        {
            var w = p.Timer0When;
            if (w != 0 && (pollUntil == 0 || w < pollUntil)) pollUntil = w;
        }
        return pollUntil;
    }

    /// <summary>
    /// Mirrors checkdead's faketime branch (proc.go, "Maybe jump time forward for playground"): with every M idle and a
    /// timer pending, the clock jumps to timeSleepUntil() and an idle M is started, spinning, with an idle P, to steal
    /// the timer. Go's faketime = when; here the clock never goes back (a timer left due by an M that did not look at
    /// other Ps keeps the clock where it is). Returns false when no timer is pending.
    /// </summary>
    internal static bool TimeJump(in StepContext cx)
    {
        var s = cx.S;
        var when = TimeSleepUntil(s);
        // Differs from Go's faketime, which knows timers only: the next io reply is an environment fact on the same
        // virtual clock, so the clock jumps to it too, and the started M finds the g through netpoll.
        foreach (var pd in s.PollDescs)
            if (pd.When < when) when = pd.When;
        if (when == long.MaxValue) return false;
        if (when > s.Now) s.Now = when;
        var pp = PidleGet(cx) ?? throw new ModelThrowException(Throw.CheckdeadNoP);
        var mp = MGet(cx) ?? throw new ModelThrowException(Throw.CheckdeadNoM);
        s.NmSpinning++;
        mp.Spinning = true;
        mp.NextP = pp.Id + 1;
        mp.Phase = MPhase.Start;
        cx.Emit(EventKind.TimeJump, 0, s.Now, pp.Id, mp.Id);
        return true;
    }
}
