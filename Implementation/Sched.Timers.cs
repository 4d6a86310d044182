using System.Diagnostics;
using Implementation.Trace;
using Native.Layout;

namespace Implementation;

/// <summary>A P's timer heap (p.timers, p.timersLock, p.timer0When): managed, indexed by the P's id, because the P
/// record lives in native memory. Entries are sleeping gs' timers: (when µs, the g).</summary>
internal sealed unsafe class TimerHeap
{
    public RuntimeLock Lock;
    public long[] When = new long[8];
    public nint[] G = new nint[8];
    public int Count;
    /// <summary>p.timer0When: the first timer's when, 0 for none; read without the lock.</summary>
    public long Timer0When;
}

internal sealed unsafe partial class Sched
{
    private TimerHeap[]? _timerHeaps;

    /// <summary>The per-P heaps, made on the first timer. Two Ms can add their first timers at once (free-running, on
    /// two Ps): the heaps are published once with a compare-and-swap, so neither M's timer can land in an array the
    /// other then replaces. (A plain <c>??=</c> here lost a sleeping g's timer: a false "all goroutines are asleep".)</summary>
    private TimerHeap[] Heaps
    {
        get
        {
            var heaps = Volatile.Read(ref _timerHeaps);
            if (heaps != null) return heaps;
            Interlocked.CompareExchange(ref _timerHeaps, CreateHeaps(), null);
            return _timerHeaps!;
        }
    }

    private TimerHeap[] CreateHeaps()
    {
        var h = new TimerHeap[Procs];
        for (var i = 0; i < h.Length; i++) h[i] = new TimerHeap();
        return h;
    }

    /// <summary>faketime (µs): the controlled run's virtual clock, moved only by checkdead's <see cref="TimeJump"/>.</summary>
    private long _faketime;

    /// <summary>Mirrors runtime.nanotime, in µs: the virtual clock in a controlled run (Go's faketime), else
    /// CLOCK_MONOTONIC (Stopwatch) since the run started, at least 1 so that 0 can mean "none".</summary>
    private long NanoTime() => _controlled
        ? Volatile.Read(ref _faketime)
        : Math.Max(1, (long)((Stopwatch.GetTimestamp() - _clockStart) * (1_000_000.0 / Stopwatch.Frequency)));

    private readonly long _clockStart = Stopwatch.GetTimestamp();

    /// <summary>
    /// Mirrors time.Sleep → runtime.timeSleep (time.go): ns ≤ 0 returns (emitted code never calls for sleep 0);
    /// otherwise gp.timer.nextwhen = nanotime() + ns, and 1 tells the emitted code to mcall(park_m), whose unlock
    /// function resetForSleep adds the timer (<see cref="ResetForSleep"/>).
    /// </summary>
    internal long TimeSleep(MState mp, G* gp, int micros)
    {
        if (micros <= 0) return 0;
        mp.SleepWhen = NanoTime() + micros;
        // gopark(resetForSleep, "sleep", traceEvGoSleep): park_m calls ResetForSleep when it sees SleepWhen.
        Gopark(mp, gp, null, 0, Model.Contract.TimerContract.WaitReasonSleep, EventKind.GoSleep, 0, 0);
        return 1;
    }

    /// <summary>Mirrors park_m's unlock function for a sleep, resetForSleep → resettimer → modtimer (time.go): the timer
    /// is new, so doaddtimer on this M's P, then wakeNetPoller(when). The g is already Waiting (E5) and off the M.</summary>
    private void ResetForSleep(MState mp, G* gp)
    {
        var when = mp.SleepWhen;
        mp.SleepWhen = 0;
        DoAddTimer(mp, mp.P, gp, when);
        WakeNetPoller(mp, when);
    }

    /// <summary>Mirrors runtime.doaddtimer (time.go): netpollGenericInit, append, siftupTimer, timer0When.</summary>
    private void DoAddTimer(MState mp, P* pp, G* gp, long when)
    {
        NetpollGenericInit();
        var h = Heaps[pp->Id];
        h.Lock.Lock();
        if (h.Count == h.When.Length)
        {
            Array.Resize(ref h.When, h.Count * 2);
            Array.Resize(ref h.G, h.Count * 2);
        }
        h.When[h.Count] = when;
        h.G[h.Count] = (nint)gp;
        h.Count++;
        SiftUpTimer(h, h.Count - 1);
        Volatile.Write(ref h.Timer0When, h.When[0]);
        if (_tracing) Trace(mp, EventKind.TimerAdd, gp->Goid, pp->Id, when, h.Count);
        h.Lock.Unlock();
    }

    /// <summary>Mirrors runtime.siftupTimer (time.go): 4-ary, parent (i − 1) / 4, stop at a parent that is not later.</summary>
    private static void SiftUpTimer(TimerHeap h, int i)
    {
        var when = h.When[i];
        var g = h.G[i];
        while (i > 0)
        {
            var p = (i - 1) / 4;
            if (when >= h.When[p]) break;
            h.When[i] = h.When[p];
            h.G[i] = h.G[p];
            i = p;
        }
        h.When[i] = when;
        h.G[i] = g;
    }

    /// <summary>Mirrors runtime.siftdownTimer (time.go).</summary>
    private static void SiftDownTimer(TimerHeap h, int i)
    {
        var n = h.Count;
        var when = h.When[i];
        var g = h.G[i];
        while (true)
        {
            var c = i * 4 + 1; // left child
            var c3 = c + 2; // mid child
            if (c >= n) break;
            var w = h.When[c];
            if (c + 1 < n && h.When[c + 1] < w) { w = h.When[c + 1]; c++; }
            if (c3 < n)
            {
                var w3 = h.When[c3];
                if (c3 + 1 < n && h.When[c3 + 1] < w3) { w3 = h.When[c3 + 1]; c3++; }
                if (w3 < w) { w = w3; c = c3; }
            }
            if (w >= when) break;
            h.When[i] = h.When[c];
            h.G[i] = h.G[c];
            i = c;
        }
        h.When[i] = when;
        h.G[i] = g;
    }

    /// <summary>Mirrors runtime.dodeltimer0 (time.go), timersLock held: the last entry replaces the first, sifts down.</summary>
    private static void DoDelTimer0(TimerHeap h)
    {
        var last = h.Count - 1;
        if (last > 0)
        {
            h.When[0] = h.When[last];
            h.G[0] = h.G[last];
        }
        h.G[last] = 0;
        h.Count = last;
        if (last > 0) SiftDownTimer(h, 0);
        Volatile.Write(ref h.Timer0When, last > 0 ? h.When[0] : 0);
    }

    /// <summary>
    /// Mirrors runtime.checkTimers (proc.go) with runtimer and runOneTimer (time.go): nothing when pp's first timer is
    /// later than now (its when is returned as pollUntil); else, under pp's timersLock, every due first timer is taken
    /// off (dodeltimer0) and its g readied with the lock released (goroutineReady → goready → ready into this M's P).
    /// <paramref name="now"/> 0 means read the clock. Returns pollUntil, 0 when no timer is left.
    /// </summary>
    private long CheckTimers(MState mp, P* pp, ref long now, out bool ran)
    {
        ran = false;
        if (_timerHeaps == null) return 0;
        var h = _timerHeaps[pp->Id];
        var next = Volatile.Read(ref h.Timer0When);
        if (next == 0) return 0;
        if (now == 0) now = NanoTime();
        var early = false;
        if (now < next)
        {
            if (!FireEarly()) return next;
            early = true; // the seeded bug: run the first timer anyway
        }
        long pollUntil = 0;
        h.Lock.Lock();
        while (h.Count > 0)
        {
            var when = h.When[0];
            if (when > now && !early)
            {
                pollUntil = when;
                break;
            }
            var gp = (G*)h.G[0];
            DoDelTimer0(h);
            if (_tracing) Trace(mp, EventKind.TimerFire, gp->Goid, pp->Id, when, h.Count);
            early = false;
            h.Lock.Unlock();
            GoReadyFromTimer(mp, gp);
            h.Lock.Lock();
            ran = true;
        }
        h.Lock.Unlock();
        return pollUntil;
    }

    /// <summary>The seeded bug TimerFiresEarly: the first timer that is not due yet runs anyway (once per run).</summary>
    private bool FireEarly()
    {
#if CHECKER_MUTANTS
        if (_mutant == Mutant.TimerFiresEarly && !_timerEarlyDone)
        {
            _timerEarlyDone = true;
            return true;
        }
#endif
        return false;
    }

#if CHECKER_MUTANTS
    private bool _timerEarlyDone;
#endif

    /// <summary>Mirrors runtime.goroutineReady → goready → ready (proc.go): E6, runqput(m.p, gp, next = true), wakep.</summary>
    private void GoReadyFromTimer(MState mp, G* gp)
    {
        if (ReadGStatus(gp) != GStatus.Waiting) Fatal("bad g->status in ready");
        gp->WaitReason = 0;
        CasGStatus(mp, gp, GStatus.Waiting, GStatus.Runnable); // E6
        if (_tracing) Trace(mp, EventKind.GoUnblock, gp->Goid, 0, -1, Model.Contract.TimerContract.UnblockByTimer);
        RunQPut(mp, mp.P, gp, true);
        WakeP(mp);
    }

    /// <summary>Whether pp's first timer is due (checkTimers on it would run one).</summary>
    private bool HasTimers(P* pp) => _timerHeaps != null && Volatile.Read(ref _timerHeaps[pp->Id].Timer0When) != 0;

    /// <summary>Mirrors runtime.nobarrierWakeTime (proc.go): pp's timer0When.</summary>
    private long NoBarrierWakeTime(P* pp) => _timerHeaps == null ? 0 : Volatile.Read(ref _timerHeaps[pp->Id].Timer0When);

    /// <summary>Mirrors runtime.checkTimersNoP (proc.go): the earliest timer0When of all Ps folded into pollUntil.</summary>
    private long CheckTimersNoP(long pollUntil)
    {
        foreach (var p2 in _allp)
        {
            var w = NoBarrierWakeTime(p2);
            if (w != 0 && (pollUntil == 0 || w < pollUntil)) pollUntil = w;
        }
        return pollUntil;
    }

    /// <summary>Mirrors runtime.timeSleepUntil (proc.go): the earliest timer0When, or long.MaxValue.</summary>
    private long TimeSleepUntil()
    {
        var next = long.MaxValue;
        foreach (var p2 in _allp)
        {
            var w = NoBarrierWakeTime(p2);
            if (w != 0 && w < next) next = w;
        }
        return next;
    }

    /// <summary>
    /// Mirrors checkdead's faketime branch (proc.go), sched.lock held, every M idle: the clock jumps to
    /// timeSleepUntil() and an idle M is started, spinning, with an idle P, to steal the timer. Go sets faketime = when;
    /// here the clock never goes back. In a free-running run the clock is real: no jump, the M is started all the same
    /// (Go leaves that case to the poller thread; an M that stopped without seeing another P's timer would otherwise
    /// leave the timer to nobody). Returns false when no timer is pending.
    /// </summary>
    private bool TimeJump(MState? caller)
    {
        var when = TimeSleepUntil();
        // Differs from Go's faketime, which knows timers only: in a controlled run the next io reply is on the same
        // virtual clock, so the clock jumps to it too; the replies due then are made ready for real.
        if (_controlled) when = Math.Min(when, NextIoDeadline());
        if (when == long.MaxValue) return false;
        if (_controlled && when > _faketime) Volatile.Write(ref _faketime, when);
        if (_controlled) ArmDueIo();
        var pp = PidleGet();
        if (pp == null) Fatal("checkdead: no p for timer");
        var mp = MGet();
        if (mp == null) Fatal("checkdead: no m for timer");
        Interlocked.Increment(ref _nmspinning);
        mp.Spinning = true;
        mp.NextP = pp;
        if (_tracing && caller != null) Trace(caller, EventKind.TimeJump, 0, NanoTime(), pp->Id, mp.Id);
        if (_controlled && mp != caller) _control!.Wake(mp);
        mp.Park.Release(); // notewakeup(&mp.park)
        return true;
    }

    /// <summary>Mirrors runtime.wakeNetPoller (proc.go): with an M blocked in the poller (lastpoll == 0), break its wait
    /// when the new timer is earlier than its pollUntil; with none, wakep.</summary>
    private void WakeNetPoller(MState? mp, long when)
    {
        if (Volatile.Read(ref _lastpoll) == 0)
        {
            var pollerPollUntil = Volatile.Read(ref _pollUntil);
            if (pollerPollUntil == 0 || pollerPollUntil > when) NetpollBreak();
        }
        else
        {
            WakeP(mp);
        }
    }
}
