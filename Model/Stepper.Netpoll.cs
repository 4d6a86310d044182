namespace Model;

/// <summary>
/// The network poller and <c>io N</c> (Go 1.19's netpoll.go, netpoll_epoll.go and proc.go): netpollblock with
/// netpollblockcommit, netpoll with netpollready, injectglist. The runtime's twin is <c>Implementation/Sched.Netpoll.cs</c>.
/// <para>An io op is a read on a fresh fd whose reply is ready <c>N</c> µs after the op on the virtual clock. The
/// model keeps one pollDesc per io op execution while its g waits; its readiness is an environment fact: the pollDesc
/// is ready once <see cref="SchedState.Now"/> reaches its deadline. Under faketime nobody blocks in the poller, so the
/// lastpoll token is always free between steps; checkdead's timejump moves the clock to the earliest of the next
/// timer and the next io deadline (Go's faketime knows only timers: a playground program waiting on the network
/// deadlocks; here it is the point of <c>io</c>).</para>
/// <para>Reduced: the pollDesc's rg goes 0 → pdWait → g inside the op's step (netpollblock, then park_m's unlock
/// function) and g → pdReady → 0 inside netpoll's step and the g's resumption, so between steps a live pollDesc's rg
/// always holds its g; deadlines (pd.rd), writers (wg) and closing while waiting do not arise.</para>
/// </summary>
internal static partial class Stepper
{
    /// <summary>
    /// Mirrors the io op's read through internal/poll: poll_runtime_pollOpen (a fresh pollDesc, netpollGenericInit)
    /// then poll_runtime_pollWait → netpollblock(pd, 'r'): rg 0 → pdWait, gopark(netpollblockcommit, "IO wait",
    /// traceEvGoBlockNet): mcall(park_m) from the op; park_m emits E5 and GoBlockNet, dropg, then
    /// netpollblockcommit CASes rg pdWait → g and bumps netpollWaiters. The reply is not ready yet (N ≥ 1 and the
    /// clock does not move inside a step), so the commit always succeeds.
    /// </summary>
    internal static void NetpollBlock(in StepContext cx, M m, G g, int ordinal, int micros)
    {
        var s = cx.S;
        if (g.Status != GStatus.Running) throw new ModelThrowException(Throw.BadGopark);
        s.NetpollInited = true;
        var id = ++s.PdSeq;
        var when = s.Now + micros;
        McallFrom(cx, g, ordinal);
        CasGStatus(cx, g, GStatus.Running, GStatus.Waiting, Transitions.Park);
        DropG(m, g);
        cx.Emit(EventKind.GoBlockNet, g.Goid, id);
        // netpollblockcommit
        s.PollDescs.Add(new PollDesc(id, when, g.Slot));
        g.NetPd = id;
        s.NetpollWaiters++;
        cx.Emit(EventKind.NetpollBlock, g.Goid, id, when, s.NetpollWaiters);
        m.Phase = MPhase.Schedule;
    }

    /// <summary>Whether netpoll would return a g now: a pollDesc whose deadline the clock has reached.</summary>
    internal static bool HasReadyPollDesc(SchedState s)
    {
        foreach (var pd in s.PollDescs)
            if (pd.When <= s.Now) return true;
        return false;
    }

    /// <summary>Whether findRunnable's netpoll(0) before stealing runs: netpollinited, netpollWaiters &gt; 0 and
    /// lastpoll != 0 (always, between the model's steps).</summary>
    internal static bool NetpollBeforeSteal(SchedState s) => s.NetpollInited && s.NetpollWaiters > 0;

    /// <summary>
    /// Mirrors runtime.netpoll (netpoll_epoll.go) under faketime (delay 0): epoll reports the ready fds, here in
    /// deadline order, ties by pollDesc id (the runtime delivers in the same order), and for each netpollready →
    /// netpollunblock turns rg from the g into pdReady and pushes the g on the gList (a stack: the last ready g is the
    /// list's head). The pollDesc leaves the model then (its g closes the fd when it runs). Emits Netpoll with the
    /// count and the call site. Returns the gList head first.
    /// </summary>
    internal static List<(G G, int Pd)> Netpoll(in StepContext cx, bool blockingSite)
    {
        var s = cx.S;
        var ready = new List<PollDesc>();
        foreach (var pd in s.PollDescs)
            if (pd.When <= s.Now) ready.Add(pd);
        ready.Sort(static (a, b) => a.When != b.When ? a.When.CompareTo(b.When) : a.Id.CompareTo(b.Id));
        // epoll_wait takes at most 128 events (the break fd's slot counts, but it is never pending under faketime).
        if (ready.Count > NetpollContract.MaxEvents) ready.RemoveRange(NetpollContract.MaxEvents, ready.Count - NetpollContract.MaxEvents);
        var list = new List<(G G, int Pd)>(ready.Count);
        foreach (var pd in ready)
        {
            s.PollDescs.Remove(pd);
            var g = s.AllGs[pd.G];
            if (g.NetPd != pd.Id || g.Status != GStatus.Waiting) throw new ModelThrowException(Throw.NetpollBadG);
            g.NetPd = 0;
            s.NetpollWaiters--; // see SchedState.NetpollWaiters: Go 1.19 leaves it
            list.Insert(0, (g, pd.Id)); // toRun.push
        }
        cx.Emit(EventKind.Netpoll, 0, list.Count, blockingSite ? 1 : 0);
        return list;
    }

    /// <summary>A g netpoll returned, readied by findRunnable itself: casgstatus(gp, _Gwaiting, _Grunnable) then
    /// traceGoUnpark (after injectglist placed the others).</summary>
    internal static void NetReadyOne(in StepContext cx, G gp, int pd)
    {
        CasGStatus(cx, gp, GStatus.Waiting, GStatus.Runnable, Transitions.Ready);
        cx.Emit(EventKind.GoUnblock, gp.Goid, 0, pd, NetpollContract.UnblockByNet);
    }

    /// <summary>
    /// Mirrors runtime.injectglist (proc.go, 1.19): traceGoUnpark for every g, then every g to _Grunnable; with no P
    /// on the M, all to the global queue (globrunqputbatch) and startIdle(all); otherwise the first min(npidle, n) to
    /// the global queue with startIdle(that many), the rest to the local ring (runqputbatch, whose overflow goes to
    /// the global queue). startIdle starts non-spinning Ms on idle Ps while there are any.
    /// Each g comes with its pollDesc id (for its GoUnblock).
    /// </summary>
    internal static void InjectGlist(in StepContext cx, M m, List<(G G, int Pd)> list)
    {
        if (list.Count == 0) return;
        var s = cx.S;
        foreach (var (g, pd) in list) cx.Emit(EventKind.GoUnblock, g.Goid, 0, pd, NetpollContract.UnblockByNet);
        foreach (var (g, _) in list) CasGStatus(cx, g, GStatus.Waiting, GStatus.Runnable, Transitions.Ready);
        var pp = m.P == 0 ? null : s.Ps[m.P - 1];
        if (pp is null)
        {
            cx.Emit(EventKind.InjectGlist, 0, list.Count, 0, 0);
            foreach (var (g, _) in list) GlobRunQPut(cx, g);
            StartIdle(cx, list.Count);
            return;
        }
        var n = Math.Min(s.NPidle, list.Count);
        cx.Emit(EventKind.InjectGlist, 0, n, list.Count - n, 1);
        for (var i = 0; i < n; i++) GlobRunQPut(cx, list[i].G);
        StartIdle(cx, n);
        for (var i = n; i < list.Count; i++) RunQPutBatchOne(cx, pp, list[i].G);
    }

    /// <summary>injectglist's startIdle: startm(nil, false) n times while an idle P remains.</summary>
    private static void StartIdle(in StepContext cx, int n)
    {
        for (; n != 0 && cx.S.NPidle != 0; n--) StartM(cx, null, spinning: false);
    }

    /// <summary>One g of runqputbatch (proc.go): into the ring's tail while it has room, else (the rest of the batch)
    /// globrunqputbatch.</summary>
    private static void RunQPutBatchOne(in StepContext cx, P p, G g)
    {
        if (unchecked(p.Tail - p.Head) < SchedConstants.RunQSize)
        {
            p.RunQ[p.Tail % SchedConstants.RunQSize] = g.Slot + 1;
            p.Tail = unchecked(p.Tail + 1);
            cx.Emit(EventKind.RunqPut, g.Goid, p.Head, p.Tail);
        }
        else GlobRunQPut(cx, g);
    }

    /// <summary>findRunnable's handling of a non-empty netpoll result once the M holds a P: list.pop() is returned,
    /// injectglist(the rest), then the popped g is made runnable.</summary>
    internal static G TakeNetpollList(in StepContext cx, M m, List<(G G, int Pd)> list)
    {
        var (gp, pd) = list[0];
        list.RemoveAt(0);
        InjectGlist(cx, m, list);
        NetReadyOne(cx, gp, pd);
        return gp;
    }
}

/// <summary>A pollDesc holding a parked g (netpoll.go's pollDesc reduced to its read side): its id (creation order),
/// the reply's deadline in µs, and the g's slot (rg).</summary>
public readonly record struct PollDesc(int Id, long When, int G);
