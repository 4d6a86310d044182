using Implementation.Trace;
using Model.Contract;
using Native.Layout;

namespace Implementation;

/// <summary>An io read's pollDesc (netpoll.go's pollDesc, its read side): the fd (a timerfd), the reply's deadline,
/// and rg in {0, pdReady, pdWait, g}. Indexed by <see cref="Index"/>, the epoll event's user data.</summary>
internal sealed class PollDescR
{
    public int Index;
    /// <summary>Creation order from 1 (the model's pollDesc id).</summary>
    public int Id;
    public int Fd = -1;
    /// <summary>The reply's deadline (µs; virtual in a controlled run).</summary>
    public long When;
    /// <summary>rg: 0, <see cref="Sched.PdReady"/>, <see cref="Sched.PdWait"/> or the parked g.</summary>
    public nint Rg;
    /// <summary>Whether the timerfd is armed (a controlled run arms it when the virtual clock reaches When).</summary>
    public bool Armed;
}

/// <summary>
/// <c>io N</c> and the network poller's g side (Go 1.19's netpoll.go and proc.go): poll_runtime_pollOpen,
/// netpollblock with netpollblockcommit, netpoll's netpollready/netpollunblock, injectglist. The model's twin is
/// <c>Model/Stepper.Netpoll.cs</c>; a batch of ready fds is delivered in deadline order, ties by pollDesc id (epoll's
/// own order is readiness order; in a controlled run the fds are armed in that order anyway).
/// </summary>
internal sealed unsafe partial class Sched
{
    internal const nint PdReady = 1, PdWait = 2;

    private readonly List<PollDescR?> _pds = [];
    private readonly Stack<int> _pdFree = new();
    private readonly object _pdLock = new();
    private int _pdSeq;

    /// <summary>netpollWaiters. Differs from Go 1.19, which never takes a g that netpoll readied off the count (only
    /// netpollgoready does): a run here ends when its last g ends, and a count that never fell would keep an M in
    /// netpoll(-1) for ever after; netpollready takes them off, as Go 1.22's netpollAdjustWaiters does.</summary>
    private int _netpollWaiters;

    /// <summary>epoll returns at most this many events per netpoll (netpoll_epoll.go's events [128]).</summary>
    private const int NetpollMaxEvents = NetpollContract.MaxEvents;

    /// <summary>
    /// The io read: poll_runtime_pollOpen (a timerfd registered with the run's epoll; in a free-running run armed for
    /// <paramref name="micros"/> µs, in a controlled one when the virtual clock gets there), then
    /// poll_runtime_pollWait → netpollblock: rg 0 → pdWait and gopark(netpollblockcommit, "IO wait",
    /// traceEvGoBlockNet). Returns 1: the emitted code mcalls park_m.
    /// </summary>
    internal long IoWait(MState mp, G* gp, int micros)
    {
        NetpollGenericInit();
        var pd = new PollDescR();
        lock (_pdLock)
        {
            pd.Index = _pdFree.Count > 0 ? _pdFree.Pop() : _pds.Count;
            if (pd.Index == _pds.Count) _pds.Add(pd);
            else _pds[pd.Index] = pd;
            pd.Id = ++_pdSeq;
        }
        pd.When = NanoTime() + micros;
        // netpollblock's rg 0 → pdWait comes before the fd can be reported: a reply that comes before the commit
        // then turns it into pdReady, and the commit fails instead of parking the g for good.
        pd.Rg = PdWait;
        try
        {
            // The event's user data: the slot and the pollDesc's id (Go's fdseq), so a stale event of a slot's
            // earlier pollDesc is not taken for this one.
            pd.Fd = _netpoll!.OpenTimerFd((ulong)pd.Id << 32 | (uint)pd.Index);
            if (!_controlled)
            {
                Netpoll.ArmIn(pd.Fd, micros);
                pd.Armed = true;
            }
        }
        catch (NetpollException e)
        {
            Fatal(e.Message);
        }
        gp->Param = pd.Index + 1;
        mp.IoPd = pd;
        Gopark(mp, gp, null, 0, NetpollContract.WaitReasonIOWait, EventKind.GoBlockNet, pd.Id, 0);
        return 1;
    }

    /// <summary>Mirrors runtime.netpollblockcommit (park_m's unlock function): CAS rg pdWait → g, and count the
    /// waiter. False when netpoll got there first (rg is pdReady): park_m then runs the g again.</summary>
    private bool NetpollBlockCommit(MState mp, G* gp)
    {
        var pd = mp.IoPd!;
        mp.IoPd = null;
        if (Interlocked.CompareExchange(ref pd.Rg, (nint)gp, PdWait) != PdWait) return false;
        var waiters = Interlocked.Increment(ref _netpollWaiters);
        if (_tracing) Trace(mp, EventKind.NetpollBlock, gp->Goid, pd.Id, pd.When, waiters);
        return true;
    }

    /// <summary>The rest of netpollblock after the wake-up (rg swapped back to 0; anything above pdWait is Go's
    /// "corrupted state"), then the read consumes the reply and the fd is closed (netpollclose, close).</summary>
    internal long IoDone(MState mp, G* gp)
    {
        var index = (int)gp->Param - 1;
        gp->Param = 0;
        PollDescR? pd;
        lock (_pdLock) pd = (uint)index < (uint)_pds.Count ? _pds[index] : null;
        if (pd == null) Fatal("runtime: io resumed without a pollDesc");
        var old = Interlocked.Exchange(ref pd.Rg, 0);
        if (old > PdWait) Fatal("runtime: corrupted polldesc");
        try
        {
            _netpoll!.CloseTimerFd(pd.Fd);
        }
        catch (NetpollException e)
        {
            Fatal(e.Message);
        }
        pd.Fd = -1;
        lock (_pdLock)
        {
            _pds[index] = null;
            _pdFree.Push(index);
        }
        return 0;
    }

    /// <summary>The earliest deadline of a pollDesc whose g still waits and whose fd is not armed, or long.MaxValue
    /// (controlled runs: checkdead's timejump goes there too).</summary>
    private long NextIoDeadline()
    {
        var next = long.MaxValue;
        lock (_pdLock)
            foreach (var pd in _pds)
                if (pd != null && !pd.Armed && pd.When < next) next = pd.When;
        return next;
    }

    /// <summary>A controlled run's environment: every reply whose virtual deadline has come is made ready for real
    /// (its timerfd armed to expire at once), in deadline order, ties by pollDesc id.</summary>
    private void ArmDueIo()
    {
        List<PollDescR>? due = null;
        var now = Volatile.Read(ref _faketime);
        lock (_pdLock)
            foreach (var pd in _pds)
                if (pd != null && !pd.Armed && pd.When <= now) (due ??= []).Add(pd);
        if (due == null) return;
        due.Sort(static (a, b) => a.When != b.When ? a.When.CompareTo(b.When) : a.Id.CompareTo(b.Id));
        try
        {
            foreach (var pd in due)
            {
                Netpoll.ArmNow(pd.Fd);
                pd.Armed = true;
            }
        }
        catch (NetpollException e)
        {
            Fatal(e.Message);
        }
    }

    [ThreadStatic] private static List<(nint G, int Pd)>? t_netList;
    [ThreadStatic] private static List<PollDescR>? t_netReady;

    /// <summary>
    /// Mirrors runtime.netpoll(delay) (netpoll_epoll.go): up to 128 events; each ready pollDesc's netpollready →
    /// netpollunblock turns rg into pdReady and, when it held a g, pushes the g on the gList (a stack: the last ready
    /// g ends up first). The batch is taken in deadline order, ties by pollDesc id. With <paramref name="trace"/>,
    /// emits Netpoll (how many gs; <paramref name="blockingSite"/>).
    /// </summary>
    private List<(nint G, int Pd)> NetpollList(MState mp, long delay, bool blockingSite, bool trace)
    {
        var list = t_netList ??= [];
        list.Clear();
        if (_netpoll == null) return list;
        Span<ulong> data = stackalloc ulong[NetpollMaxEvents];
        var n = 0;
        try
        {
            n = _netpoll.Wait(delay, data);
        }
        catch (NetpollException e)
        {
            Fatal(e.Message);
        }
        var ready = t_netReady ??= [];
        ready.Clear();
        lock (_pdLock)
            for (var i = 0; i < n; i++)
            {
                var slot = (int)(uint)data[i];
                if (slot < _pds.Count && _pds[slot] is { } pd && pd.Id == (int)(data[i] >> 32)) ready.Add(pd);
            }
        if (ready.Count > 1) ready.Sort(static (a, b) => a.When != b.When ? a.When.CompareTo(b.When) : a.Id.CompareTo(b.Id));
        foreach (var pd in ready)
        {
            // netpollunblock(pd, 'r', ioready = true)
            while (true)
            {
                var old = Volatile.Read(ref pd.Rg);
                if (old == PdReady) break;
                if (Interlocked.CompareExchange(ref pd.Rg, PdReady, old) != old) continue;
                if (old > PdWait)
                {
                    list.Insert(0, (old, pd.Id)); // toRun.push
                    Interlocked.Decrement(ref _netpollWaiters);
                }
                break;
            }
        }
        if (trace && _tracing) Trace(mp, EventKind.Netpoll, 0, list.Count, blockingSite ? 1 : 0);
        return list;
    }

    /// <summary>findRunnable's use of a non-empty netpoll result with a P: list.pop() is returned, injectglist(the
    /// rest), then the popped g goes to _Grunnable and traceGoUnpark.</summary>
    private G* TakeNetpollList(MState mp, List<(nint G, int Pd)> list)
    {
        var (g0, pd0) = list[0];
        list.RemoveAt(0);
        InjectGlist(mp, list);
        var gp = (G*)g0;
        gp->WaitReason = 0;
        CasGStatus(mp, gp, GStatus.Waiting, GStatus.Runnable);
        if (_tracing) Trace(mp, EventKind.GoUnblock, gp->Goid, 0, pd0, NetpollContract.UnblockByNet);
        return gp;
    }

    /// <summary>
    /// Mirrors runtime.injectglist (proc.go, 1.19): traceGoUnpark for each g, then each to _Grunnable; with no P on
    /// this M, all to the global queue and startIdle(all); else min(npidle, n) to the global queue with
    /// startIdle(that many) and the rest to the local ring (runqputbatch: what does not fit goes global).
    /// </summary>
    private void InjectGlist(MState mp, List<(nint G, int Pd)> list)
    {
        if (list.Count == 0) return;
        if (_tracing)
            foreach (var (g, pd) in list) Trace(mp, EventKind.GoUnblock, ((G*)g)->Goid, 0, pd, NetpollContract.UnblockByNet);
        foreach (var (g, _) in list)
        {
            ((G*)g)->WaitReason = 0;
            CasGStatus(mp, (G*)g, GStatus.Waiting, GStatus.Runnable);
        }
        var pp = mp.P;
        var n = pp == null ? list.Count : Math.Min(Volatile.Read(ref _npidle), list.Count);
#if CHECKER_MUTANTS
        if (_mutant == Mutant.InjectGlistAllLocal && pp != null) n = 0; // seeded bug: the idle Ps' share stays local
#endif
        if (_tracing) Trace(mp, EventKind.InjectGlist, 0, n, list.Count - n, pp == null ? 0 : 1);
        if (n > 0)
        {
            _lock.Lock();
            for (var i = 0; i < n; i++)
            {
                var gp = (G*)list[i].G;
                GlobRunQPut(gp);
                if (_tracing) Trace(mp, EventKind.GlobRunqPut, gp->Goid, _runqSize);
            }
            _lock.Unlock();
            // startIdle(n)
            for (var k = n; k != 0 && Volatile.Read(ref _npidle) != 0; k--) StartM(mp, null, false);
        }
        for (var i = n; i < list.Count; i++)
        {
            var gp = (G*)list[i].G;
            if (unchecked(Volatile.Read(ref pp->RunqTail) - Volatile.Read(ref pp->RunqHead)) < P.RunqSize) RunQPut(mp, pp, gp, false);
            else GlobRunQPutLocked(mp, gp);
        }
    }

    /// <summary>Closes the fds of reads still waiting when the run ends.</summary>
    private void CloseIoFds()
    {
        lock (_pdLock)
        {
            foreach (var pd in _pds)
            {
                if (pd == null || pd.Fd < 0) continue;
                try
                {
                    _netpoll?.CloseTimerFd(pd.Fd);
                }
                catch (NetpollException)
                {
                    // The run is over; the fd is closed all the same.
                }
                pd.Fd = -1;
            }
            _pds.Clear();
            _pdFree.Clear();
        }
    }
}
