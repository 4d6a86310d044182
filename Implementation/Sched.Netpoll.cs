using Native.Layout;

namespace Implementation;

/// <summary>The network poller's scheduler side (netpoll.go and proc.go, Go 1.19): initialisation, the lastpoll
/// token, netpollBreak and findRunnable's blocking poll. The epoll calls are in <see cref="Netpoll"/>.</summary>
internal sealed unsafe partial class Sched
{
    /// <summary>The epoll instance, created by the first timer or poll descriptor (netpollGenericInit).</summary>
    private Netpoll? _netpoll;
    private readonly object _netpollInitLock = new();
    /// <summary>netpollInited.</summary>
    private volatile bool _netpollInited;

    /// <summary>sched.lastpoll: when the network was last polled, 0 while an M blocks in netpoll (the token: at most
    /// one M blocks there). Go's schedinit sets it to nanotime(); nonzero here from the start.</summary>
    private long _lastpoll = 1;

    /// <summary>sched.pollUntil: the time the blocked poller's wait ends, 0 when none blocks or it blocks for ever.</summary>
    private long _pollUntil;

    /// <summary>Mirrors runtime.netpollGenericInit (netpoll.go): netpollinit once.</summary>
    private void NetpollGenericInit()
    {
        if (_netpollInited) return;
        lock (_netpollInitLock)
        {
            if (_netpollInited) return;
            try
            {
                _netpoll = new Netpoll();
            }
            catch (NetpollException e)
            {
                Fatal(e.Message);
            }
            _netpollInited = true;
        }
    }

    /// <summary>Mirrors runtime.netpollBreak: wake the M blocked in netpoll, if any.</summary>
    private void NetpollBreak()
    {
        try
        {
            _netpoll?.Break();
        }
        catch (NetpollException e)
        {
            Fatal(e.Message);
        }
    }

    /// <summary>
    /// Mirrors runtime.netpoll(delay) (netpoll_epoll.go): waits for readiness up to <paramref name="delay"/> µs
    /// (-1: for ever, 0: poll). In a controlled run the delay is always 0 (Go's faketime: "when using fake time,
    /// just poll"), so no M ever blocks there and the run's course depends on its choices alone.
    /// </summary>
    private void NetpollWait(long delay)
    {
        if (_netpoll == null) return;
        Span<ulong> ready = stackalloc ulong[64];
        try
        {
            _netpoll.Wait(delay, ready);
        }
        catch (NetpollException e)
        {
            Fatal(e.Message);
        }
    }

    /// <summary>
    /// findRunnable's "poll network until next timer" (proc.go, 1.19), after the P was released and spinning dropped:
    /// with the poller in use and something to wait for (network waiters, or pollUntil), the M that takes the lastpoll
    /// token calls netpoll(delay). Under faketime (controlled) the delay is 0 and nothing ready means stopm. With gs:
    /// no idle P → injectglist (all global) and stopm; a P → acquirep, and the first g is returned in
    /// <paramref name="gp"/> (the rest injected). Returns true when the caller should look again from the top (it got
    /// a P back with nothing), false when it should stopm. Without the token: netpollBreak when the blocked poller's
    /// wait ends after pollUntil. The Netpoll event is emitted only with network waiters: a timers-only poll under
    /// faketime finds nothing, and the model leaves it out (Model/Stepper.Schedule.cs).
    /// </summary>
    private bool PollUntilNextTimer(MState mp, long pollUntil, bool wasSpinning, out G* gp)
    {
        gp = null;
        var waiters = Volatile.Read(ref _netpollWaiters);
        if (_netpollInited && (waiters > 0 || pollUntil != 0) && TakePollToken())
        {
            Volatile.Write(ref _pollUntil, pollUntil);
            if (mp.P != null) Fatal("findrunnable: netpoll with p");
            if (mp.Spinning) Fatal("findrunnable: netpoll with spinning");
            var now = NanoTime();
            long delay = -1;
            if (pollUntil != 0)
            {
                delay = pollUntil - now;
                if (delay < 0) delay = 0;
            }
            if (_controlled) delay = 0; // When using fake time, just poll.
            // N2: at most one M blocks in the poller (the token's point); a second one is a broken runtime.
            if (Interlocked.Increment(ref _inPoller) > 1) Fatal("netpoll: two Ms block in the poller (the lastpoll token was not taken)");
            var list = NetpollList(mp, delay, blockingSite: true, trace: waiters > 0); // block until new work is available
            Interlocked.Decrement(ref _inPoller);
            Volatile.Write(ref _pollUntil, 0);
            Volatile.Write(ref _lastpoll, Math.Max(1, NanoTime()));
            // Using fake time and nothing is ready: stop M. When all Ms stop, checkdead calls timejump.
            if (_controlled && list.Count == 0) return false;
            _lock.Lock();
            var pp = PidleGet();
            _lock.Unlock();
            if (pp == null)
            {
                InjectGlist(mp, list);
                return false;
            }
            AcquireP(mp, pp);
            if (list.Count > 0)
            {
                gp = TakeNetpollList(mp, list);
                return false;
            }
            if (wasSpinning)
            {
                mp.Spinning = true;
                Interlocked.Increment(ref _nmspinning);
            }
            return true;
        }
        if (pollUntil != 0 && _netpollInited)
        {
            var pollerPollUntil = Volatile.Read(ref _pollUntil);
            if (pollerPollUntil == 0 || pollerPollUntil > pollUntil) NetpollBreak();
        }
        return false;
    }

    /// <summary>atomic.Xchg64(&amp;sched.lastpoll, 0) != 0: the poller token (at most one M blocks in netpoll).</summary>
    private bool TakePollToken()
    {
#if CHECKER_MUTANTS
        // Seeded bug: the token is not taken, so a second M may block in the poller beside the first.
        if (_mutant == Mutant.TwoPollers) return Volatile.Read(ref _lastpoll) != 0; // a load where Go exchanges
#endif
        return Interlocked.Exchange(ref _lastpoll, 0) != 0;
    }

    /// <summary>How many Ms are inside findRunnable's netpoll(delay) (invariant N2: at most one).</summary>
    private int _inPoller;

    /// <summary>Closes the poller's fds (the run is over).</summary>
    private void DisposeNetpoll()
    {
        CloseIoFds();
        _netpoll?.Dispose();
    }
}
