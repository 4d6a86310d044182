using System.Diagnostics;
using Implementation.Trace;
using Native;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>forcePreemptNS's sibling for syscalls: a P stuck in a syscall this long is retaken even when idle
    /// Ps and spinning Ms exist (proc.go's 10ms).</summary>
    private static readonly long s_syscallRetakeTicks = Stopwatch.Frequency / 100;

    private Thread? _sysmonThread;
    private MState? _sysmonM;

    /// <summary>Starts sysmon on its own thread (no P, like Go's sysmon M).</summary>
    private void StartSysmon()
    {
        var id = MCountForSysmon;
        var m = Records.NewM(id);
        _sysmonM = new MState(this, id, m, _recorder?.NewBuffer((short)id), 7);
        _sysmonThread = new Thread(Sysmon) { IsBackground = true, Name = "sysmon" };
        _sysmonThread.Start();
    }

    /// <summary>sysmon's trace M id: far above any real M's.</summary>
    private const int MCountForSysmon = 10_000;

    /// <summary>
    /// Mirrors runtime.sysmon (proc.go): sleeps 20µs per cycle, doubling after 50 idle cycles up to 10ms, and calls
    /// retake. Leaves when the run is over.
    /// </summary>
    private void Sysmon()
    {
        MThread.BlockAsyncSignals();
        uint delay = 0;
        var idle = 0;
        while (!Finished)
        {
            if (idle == 0) delay = 20; // start with 20us sleep...
            else if (idle > 50) delay *= 2; // start doubling the sleep after 1ms...
            if (delay > 10 * 1000) delay = 10 * 1000; // up to 10ms
            Native.Compiler.Sleep.Usleep(delay);
            try
            {
                if (SysmonNetpoll()) idle = 0;
                if (Retake(_sysmonM!, Stopwatch.GetTimestamp()) != 0) idle = 0;
                else idle++;
            }
            catch (FatalException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Mirrors sysmon's network poll (proc.go): when nobody has polled for 10 ms and no M is blocked in the poller
    /// (sched.lastpoll != 0), sysmon takes the poll itself (a CAS of lastpoll to now), netpoll(0), and injectglist's the
    /// ready gs (it has no P: all to the global queue, startIdle). Go's safety net for reads that became ready while
    /// every M was busy elsewhere. Free-running runs only: a controlled run's sysmon is the controller's choice, and
    /// under faketime nobody waits in the poller.
    /// <para>Go brackets only the injectglist with incidlelocked(-1) and (1); here sysmon counts as a running M from
    /// before its netpoll(0) until the gs it took off the poller are queued and startIdle has started Ms for them,
    /// then checkdead runs again (an M that stopped meanwhile skipped it because of us). Otherwise the last M could
    /// stop while those gs are in sysmon's hands, off the poller and on no queue, and checkdead would find every M
    /// idle and report Go's deadlock: 2 io readers on 1 P did in about 1 run in 4, and 1 in 60 with the bracket
    /// around injectglist alone.</para>
    /// </summary>
    private bool SysmonNetpoll()
    {
        if (_controlled || !_netpollInited || Volatile.Read(ref _netpollWaiters) == 0) return false;
        var last = Volatile.Read(ref _lastpoll);
        var now = NanoTime();
        if (last == 0 || last + 10_000 >= now) return false;
        if (Interlocked.CompareExchange(ref _lastpoll, now, last) != last) return false;
        Interlocked.Increment(ref _retaking); // incidlelocked(-1)
        var list = NetpollList(_sysmonM!, 0, blockingSite: false, trace: true);
        InjectGlist(_sysmonM!, list);
        // incidlelocked(1)
        _lock.Lock();
        Interlocked.Decrement(ref _retaking);
        CheckDead();
        _lock.Unlock();
        return list.Count > 0;
    }

    /// <summary>
    /// Mirrors runtime.retake (proc.go, 1.19): a P in _Prunning that has run one g for forcePreemptNS is preempted
    /// (<see cref="RetakePreempt"/>); a P in a system call whose syscalltick has not moved since the last look is
    /// retaken (CAS Psyscall → Pidle, syscalltick++, handoffp) unless its run queue is empty, some M spins or some P
    /// is idle, and the syscall has lasted under 10ms. Returns the number retaken or preempted. (Go also preempts
    /// the g of a P in a syscall, which has no M to deliver it; a g in a syscall here runs no checked prologue.)
    /// </summary>
    private int Retake(MState sm, long now)
    {
        var n = 0;
        foreach (var pp in _allp)
        {
            var s = Volatile.Read(ref pp->Status);
            if (s == (int)PStatus.Running)
            {
                if (RetakePreempt(sm, pp, now)) n++;
                continue;
            }
            if (s != (int)PStatus.Syscall) continue;
            // Retake P from syscall if it's there for more than 1 sysmon tick (at least 20us).
            var t = Volatile.Read(ref pp->SysCallTick);
            if (pp->SysmonTick != t)
            {
                pp->SysmonTick = t;
                pp->SysmonWhen = now;
                continue;
            }
            // On the one hand we don't want to retake Ps if there is no other work to do, but on the other hand we
            // want to retake them eventually because they can prevent the sysmon thread from deep sleep.
            if (RunQEmpty(pp) && Volatile.Read(ref _nmspinning) + Volatile.Read(ref _npidle) > 0 &&
                pp->SysmonWhen + s_syscallRetakeTicks > now)
                continue;
            // incidlelocked(-1): count one more M as running until the hand-off is done. Otherwise the M whose P we
            // take can exit its syscall, find no P (we hold it, not yet handed off), park, and have checkdead report a
            // deadlock while its g sits runnable on the global queue.
            Interlocked.Increment(ref _retaking);
            if (Interlocked.CompareExchange(ref pp->Status, (int)PStatus.Idle, s) == s)
            {
                if (_tracing) TracePStatus(sm, pp, PStatus.Syscall, PStatus.Idle);
                n++;
                pp->SysCallTick++;
                Interlocked.Increment(ref _retakes);
                HandOffP(sm, pp);
            }
            // incidlelocked(1): checkdead again, since an M that parked meanwhile skipped it because of us.
            _lock.Lock();
            Interlocked.Decrement(ref _retaking);
            CheckDead();
            _lock.Unlock();
        }
        return n;
    }
}
