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
    /// with the poller in use and something to wait for (pollUntil, or network waiters), the M that takes the lastpoll
    /// token calls netpoll(delay); returns true when the caller should look again from the top (it got a P back), false
    /// when it should stopm. Without the token: netpollBreak when the blocked poller's wait ends after pollUntil.
    /// </summary>
    private bool PollUntilNextTimer(MState mp, long pollUntil, bool wasSpinning)
    {
        if (_netpollInited && pollUntil != 0 && Interlocked.Exchange(ref _lastpoll, 0) != 0)
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
            NetpollWait(delay); // block until new work is available
            Volatile.Write(ref _pollUntil, 0);
            Volatile.Write(ref _lastpoll, Math.Max(1, NanoTime()));
            // Using fake time and nothing is ready: stop M. When all Ms stop, checkdead calls timejump.
            if (_controlled) return false;
            _lock.Lock();
            var pp = PidleGet();
            _lock.Unlock();
            if (pp == null) return false;
            AcquireP(mp, pp);
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

    /// <summary>Closes the poller's fds (the run is over).</summary>
    private void DisposeNetpoll() => _netpoll?.Dispose();
}
