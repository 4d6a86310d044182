using Implementation.Trace;
using Native;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>Mirrors runtime.acquirep → wirep (proc.go): associates pp with the current M.</summary>
    private void AcquireP(MState mp, P* pp)
    {
        if (mp.P != null) Fatal("wirep: already in go");
        if (pp->M != null || pp->Status != (int)PStatus.Idle) Fatal("wirep: invalid p state");
        mp.P = pp;
        mp.M->P = (nint)pp;
        pp->M = mp.M;
        Volatile.Write(ref pp->Status, (int)PStatus.Running);
        if (_tracing) TracePStatus(mp, pp, PStatus.Idle, PStatus.Running);
    }

    /// <summary>Mirrors runtime.releasep (proc.go): disassociates the P from the current M; it becomes Idle.</summary>
    private P* ReleaseP(MState mp)
    {
        var pp = mp.P;
        if (pp == null || pp->M != mp.M || pp->Status != (int)PStatus.Running) Fatal("releasep: invalid arg");
        if (_tracing) TracePStatus(mp, pp, PStatus.Running, PStatus.Idle);
        mp.P = null;
        mp.M->P = 0;
        pp->M = null;
        Volatile.Write(ref pp->Status, (int)PStatus.Idle);
        return pp;
    }

    /// <summary>Mirrors runtime.pidleput (proc.go): puts an idle P (empty run queue) on sched.pidle. sched.lock held.</summary>
    private void PidlePut(MState? mp, P* pp)
    {
        if (!RunQEmpty(pp)) Fatal("pidleput: P has non-empty run queue");
        pp->Link = _pidle;
        _pidle = pp;
        Volatile.Write(ref pp->OnPidle, 1);
        Interlocked.Increment(ref _npidle);
    }

    /// <summary>Mirrors runtime.pidleget (proc.go): takes a P from sched.pidle, or null. sched.lock held.</summary>
    private P* PidleGet()
    {
        var pp = _pidle;
        if (pp != null)
        {
            _pidle = pp->Link;
            pp->Link = null;
            Volatile.Write(ref pp->OnPidle, 0);
            Interlocked.Decrement(ref _npidle);
        }
        return pp;
    }

    /// <summary>Mirrors runtime.mput (proc.go): puts an M on the idle list, then checkdead. sched.lock held.</summary>
    private void MPut(MState mp)
    {
        mp.IdleLink = _midle;
        _midle = mp;
        _nmidle++;
        CheckDead(mp);
    }

    /// <summary>Mirrors runtime.mget (proc.go). sched.lock held.</summary>
    private MState? MGet()
    {
        var mp = _midle;
        if (mp != null)
        {
            _midle = mp.IdleLink;
            mp.IdleLink = null;
            _nmidle--;
        }
        return mp;
    }

    /// <summary>
    /// Mirrors runtime.checkdead (proc.go): with no M running (every M idle; an M in a system call or still
    /// starting counts as running) and goroutines left, every one of them is blocked: Go's deadlock. With none left,
    /// the run is complete (unlike Go, main ending does not end the run). sched.lock held.
    /// </summary>
    private void CheckDead(MState? caller = null)
    {
        int mcount;
        long live = 0;
        lock (_allm)
        {
            mcount = _allm.Count;
            var running = mcount - _nmidle + Volatile.Read(ref _retaking);
            if (running == 1 && !_controlled) BreakIdlePoller();
            if (running > 0) return;
            // Every M is idle, so none writes its counters any more (each took sched.lock after its last write).
            foreach (var m in _allm) live += m.Created - m.Exited;
        }
        var run = mcount - _nmidle;
        if (run < 0) Fatal($"checkdead: inconsistent counts mcount={mcount} nmidle={_nmidle}");
        if (live == 0)
        {
            Finish(RunOutcome.Completed, ""); // every g has ended: the run is complete
            return;
        }
        // Maybe jump time forward (faketime, Sched.Timers.cs): a pending timer is not a deadlock.
        if (_mutant != Mutant.CheckdeadIgnoresTimers && TimeJump(caller)) return;
        Finish(RunOutcome.Deadlock, DeadlockMessage());
    }

    /// <summary>
    /// Not in Go (a Go program ends when main returns, whoever waits in the poller): with every M idle but one, and
    /// that one holding the poller token (sched.lastpoll == 0) while no g waits on the network, wake it with
    /// netpollBreak. It took the token on a count that was already stale (its last waiter was readied by another M's
    /// netpoll(0) or by sysmon's poll between its look at netpollWaiters and its exchange of lastpoll), and netpoll(-1)
    /// would block it for good: the run's end, or a real deadlock, would never be seen (the free-running 10,000
    /// readers on 4 Ps hung that way, every g dead, in about 1 run in 16). Woken, it finds nothing, looks again with no
    /// waiter and stops, and its stopm runs checkdead. Free-running runs only: under faketime nobody blocks in the
    /// poller. sched.lock held.
    /// </summary>
    private void BreakIdlePoller()
    {
        if (Volatile.Read(ref _lastpoll) == 0 && Volatile.Read(ref _netpollWaiters) <= 0) NetpollBreak();
    }

    /// <summary>
    /// Mirrors runtime.stopm (proc.go): parks the M on the idle list until startm hands it a P (m.nextp), which it
    /// then acquires. Returns with no P when the run is over.
    /// </summary>
    private void StopM(MState mp)
    {
        if (mp.P != null) Fatal("stopm holding p");
        if (mp.Spinning) Fatal("stopm spinning");
        _lock.Lock();
        MPut(mp);
        _lock.Unlock();
        // checkdead's timejump may have handed this very M a P (mget is LIFO): it keeps the baton.
        var selfWoken = _controlled && mp.NextP != null;
        if (_controlled && !selfWoken) _control!.Block(mp);
        mp.Park.Wait(); // notesleep(&mp.park)
        if (_controlled && !selfWoken) _control!.Unblock(mp);
        if (mp.Exit) return;
        var pp = mp.NextP;
        mp.NextP = null;
        if (pp == null) Fatal("stopm: woken without a p");
        AcquireP(mp, pp);
    }

    /// <summary>
    /// Mirrors runtime.startm (proc.go): runs some M with pp (or an idle P when pp is null): an idle M is woken with
    /// m.nextp = pp, else a new M is started. With no idle P, a spinning caller's nmspinning increment is undone.
    /// </summary>
    private void StartM(MState? caller, P* pp, bool spinning)
    {
        _lock.Lock();
        if (pp == null)
        {
            pp = PidleGet();
            if (pp == null)
            {
                _lock.Unlock();
                if (spinning && Interlocked.Decrement(ref _nmspinning) < 0) Fatal("startm: negative nmspinning");
                return;
            }
        }
        var nmp = MGet();
        if (nmp == null)
        {
            // The new M counts as running from now on (mcount), so checkdead cannot fire while it starts.
            NewM(pp, spinning);
            _lock.Unlock();
            return;
        }
        _lock.Unlock();
        if (nmp.Spinning) Fatal("startm: m is spinning");
        if (nmp.NextP != null) Fatal("startm: m has p");
        nmp.Spinning = spinning;
        nmp.NextP = pp;
        if (_controlled) _control!.Wake(nmp);
        nmp.Park.Release(); // notewakeup(&nmp.park)
    }

    /// <summary>
    /// Mirrors runtime.wakep (proc.go, 1.19): tries to add one more spinning M when there is an idle P and no M is
    /// spinning yet.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void WakeP(MState? mp)
    {
        if (Volatile.Read(ref _npidle) == 0) return;
        // Be conservative about spinning threads.
        if (Volatile.Read(ref _nmspinning) != 0 || Interlocked.CompareExchange(ref _nmspinning, 1, 0) != 0) return;
        StartM(mp, null, true);
    }

    /// <summary>
    /// Mirrors runtime.handoffp (proc.go, 1.19): hands off a P from a syscall or a locked M. Starts an M for it when
    /// it has local work or there is global work, or when nobody is spinning and no P is idle (a spinning M), or when
    /// it is the last P not idle and no M blocks in the poller (sched.lastpoll != 0: a non-spinning M, which goes
    /// through findRunnable and so polls the network, or takes the poller token, before it stops); else the P goes
    /// idle. In a controlled run lastpoll is never 0 here: under faketime the M that takes the token polls with delay
    /// 0 and gives it back before anyone else steps, so that clause is "npidle == gomaxprocs - 1" there (as in the
    /// model, Model/Stepper.Procs.cs).
    /// </summary>
    private void HandOffP(MState? mp, P* pp)
    {
        Interlocked.Increment(ref _handoffs);
        // if it has local work, start it straight away
        if (!RunQEmpty(pp) || Volatile.Read(ref _runqSize) != 0)
        {
            StartM(mp, pp, false);
            return;
        }
        // no local work, check that there are no spinning/idle M's, otherwise our help is not required
        if (Volatile.Read(ref _nmspinning) + Volatile.Read(ref _npidle) == 0 && Interlocked.CompareExchange(ref _nmspinning, 1, 0) == 0)
        {
            StartM(mp, pp, true);
            return;
        }
        _lock.Lock();
        if (_runqSize != 0)
        {
            _lock.Unlock();
            StartM(mp, pp, false);
            return;
        }
        // The last P that is not idle, and no M blocks in the poller: some M must be left to poll the network.
        if (Volatile.Read(ref _npidle) == _allp.Length - 1 && Volatile.Read(ref _lastpoll) != 0
            && _mutant != Mutant.HandoffPSkipsLastPoller)
        {
            _lock.Unlock();
            StartM(mp, pp, false);
            return;
        }
        // The scheduler lock cannot be held when calling wakeNetPoller below, because it may call wakep.
        var when = NoBarrierWakeTime(pp);
        PidlePut(mp, pp);
        _lock.Unlock();
        if (when != 0) WakeNetPoller(mp, when);
    }

    /// <summary>Mirrors runtime.newm (proc.go): a new M on its own dedicated thread (MThread blocks async signals),
    /// which will acquire pp. sched.lock held (mcount grows under it).</summary>
    private MState NewM(P* pp, bool spinning)
    {
        MState mp;
        lock (_allm)
        {
            var id = _allm.Count;
            var m = Records.NewM(id);
            mp = new MState(this, id, m, _recorder?.NewBuffer((short)id), (ulong)(id + 1) * 0x9E3779B97F4A7C15UL ^ _options.Seed);
            m->SchedPtr = mp.Slot;
            mp.NextP = pp;
            mp.Spinning = spinning;
            _allm.Add(mp);
        }
        if (_controlled) _control!.Register(mp);
        mp.Thread = MThread.Start(mp.Id, _ => MStart(mp), mp.M);
        return mp;
    }

    /// <summary>The M count (sched.mcount).</summary>
    internal int MCount
    {
        get { lock (_allm) return _allm.Count; }
    }
}
