using Model.Checking;

namespace Model;

/// <summary>
/// The safety properties of reference §7 that apply to what is modelled, each named and checked in every state in
/// one pass (<see cref="Failing"/>), plus the terminal-state properties.
/// <para>Not applicable as state properties, and why:
/// §7.2 (every transition is a table edge through a legal helper) is enforced at each step by CasGStatus, whose
/// failure is a throw caught by "no fatal error";
/// §7.19 (mcall/systemstack/save on the right stack) concerns g0 and gsignal, which the model does not represent;
/// §7.20-22 and §7.24 are postconditions of single operations, checked inside runqputslow/runqsteal/runqput as throws
/// ("runqputslow: queue is not full", "runqsteal: runq overflow") and pinned by unit tests;
/// §7.25 (_Gpreempted, suspendG) and the scan states: no GC and no asynchronous preemption are modelled.
/// Liveness: L2 (no lost wakeups) holds as the state property "no g waits on a positive count"; L1 is checked at
/// every terminal state (every g ended or waits) and by checkdead's throw; cycles without progress (weak fairness)
/// are not searched for, since every workload terminates and the scheduler steps make progress.</para>
/// </summary>
public static class SchedInvariants
{
    /// <summary>Names of the Always properties, by bit.</summary>
    public static readonly string[] AlwaysNames =
    [
        "status is a Go status (§7.1)",
        "run queues hold only runnable gs (§7.3)",
        "a g is on one list at a time (§7.4)",
        "runnext is not also in the ring (§7.5)",
        "0 <= runqtail - runqhead <= 256 (§7.6)",
        "queue counts match their lists (§7.7)",
        "gFree lists hold dead gs, split by stack; local count < 64 (§7.8)",
        "m.curg.m == m and a running g is its M's curg (§7.9)",
        "each g is in exactly the place its status says (§7.10, §7.16)",
        "gobuf cleared while running, resumable while not (§7.11, B2, B3)",
        "g.sched.g == g (§7.12, B1)",
        "in a syscall, syscallsp is set and sched.sp == syscallsp (§7.13, B5)",
        "goids are unique and come in blocks of 16 (§7.14)",
        "no _Gidle g in allgs (§7.15)",
        "P ownership: m.p.m == m, idle Ps on pidle and empty, _Psyscall has no M (§7.17)",
        "spinning Ms are counted and have an empty local queue (§7.18)",
        "a dead g has no M and waits on nothing (§7.23)",
        "no lost wakeup: a semaphore with waiters has a positive count only while as many readied gs are on their way to retry it (L2)",
        "no fatal error (Go throw; a workload's panic is its outcome, not a throw)",
        "NoBothQueues: no channel has a waiting sender and a waiting receiver of two different gs, stale select sudogs aside (C1)",
        "QCountBounded: 0 <= qcount <= dataqsiz and sendx = (recvx + qcount) mod dataqsiz (C2)",
        "BufferVsWaiters: a non-empty buffer has no waiting receiver and a non-full one no waiting sender (C3)",
        "SudogWaits: each sudog's g waits on that channel, or is a select's g about to run pass 3 (C4)",
        "FifoValues: every receive got the oldest value sent and not yet received; the buffer holds exactly those (C5)",
        "a sleeping g is in exactly one timer heap, once, with its deadline; every heap is a 4-ary min-heap by when (T1)",
        "no timer fires before its deadline: a g whose sleep timer has fired has timer.when <= now (T2)",
        "a g waiting on the network is in exactly one pollDesc, which holds it (rg = g); pollDesc ids are unique and netpollWaiters counts the waiters (N1)",
        "at most one M blocks in the poller (the lastpoll token); under faketime none does, and no io reply is ready before its deadline (N2)",
        "a g that is not dead has a stack, and every stack is its g's starting size doubled k >= 0 times: a power of two >= 2048 with Go's stacks; with growth off, the starting size itself (S1)",
        "a g that is not running has its saved sp inside its current stack (0 < hi - sp < size; nonzero unless a dead g's), and a saved bp, when set, inside it and at or above the sp (S2)",
        "stackguard0 is stack.lo + _StackGuard, or stackPreempt only with gp.preempt set and a stack; a g preempted at a call's prologue is runnable or running, with that prologue's pc saved (S3)",
    ];

    /// <summary>Index of "no fatal error" in the property list.</summary>
    public const int NoFatalError = 18;
    /// <summary>Indices of the channel invariants C1..C5 (docs/channels.md).</summary>
    public const int NoBothQueues = 19, QCountBounded = 20, BufferVsWaiters = 21, SudogWaits = 22, FifoValues = 23;
    /// <summary>Index of T1 (timer heaps) and T2 (no early fire).</summary>
    public const int TimerHeaps = 24, NoEarlyTimer = 25;
    /// <summary>Index of N1 (network waiters in pollDescs) and N2 (one poller at most).</summary>
    public const int NetWaiters = 26, OnePoller = 27;
    /// <summary>Index of S1 (stack sizes) and S2 (saved sp and bp inside the stack), issue 13.</summary>
    public const int StackSizes = 28, SavedSpInStack = 29;
    /// <summary>Index of S3 (the preemption request's guard and resume point), issue 13.</summary>
    public const int PreemptGuard = 30;
    /// <summary>Index of the deadlock property (terminal).</summary>
    public const int NoDeadlock = 31;
    /// <summary>Index of L1 at terminal states.</summary>
    public const int EveryGEnds = 32;
    /// <summary>Index of "the workload does not panic" at terminal states.</summary>
    public const int NoPanic = 33;

    internal static IReadOnlyList<Property<SchedState>> Build(SchedModel model)
    {
        var list = new List<Property<SchedState>>();
        for (var i = 0; i < AlwaysNames.Length; i++)
        {
            var bit = 1UL << i;
            list.Add(Property<SchedState>.Always(AlwaysNames[i], s => (Failing(s, model.Config) & bit) == 0));
        }
        list.Add(Property<SchedState>.AtEnd("no deadlock (all goroutines are asleep)",
            s => !(s.Outcome == Outcome.Fatal && s.Fatal == Throw.Deadlock), isDeadlock: true));
        list.Add(Property<SchedState>.AtEnd("every g ends or waits: none is left runnable (L1; a panic ends the program where it stands)",
            s => (s.Outcome == Outcome.Fatal && s.Fatal.IsPanic()) || s.AllGs.All(g => g.Status is GStatus.Dead or GStatus.Waiting)));
        // A panic is the workload's own error, not the scheduler's: not an Always property (the refinement checker
        // then expects the runtime to panic the same way), but explore reports a run that can end in one.
        list.Add(Property<SchedState>.AtEnd("the workload does not panic (send on closed channel, close of closed or nil channel)",
            s => !(s.Outcome == Outcome.Fatal && s.Fatal.IsPanic())));
        return list;
    }

    /// <summary>Bit i set: Always property i fails in <paramref name="s"/>.</summary>
    public static ulong Failing(SchedState s, SchedConfig cfg)
    {
        // A step that threw stopped halfway, as Go does: only the throw itself is reported for that state.
        // A panic (send on a closed channel, say) is the workload's own error, which Go reports as the program's
        // outcome: not a broken runtime. The state is the one before the panicking op, so there is nothing to check.
        if (s.Outcome == Outcome.Fatal && s.Fatal.IsPanic()) return 0;
        if (s.Outcome == Outcome.Fatal && s.Fatal != Throw.Deadlock) return 1UL << NoFatalError;
        ulong bad = 0;
        void Fail(int i) => bad |= 1UL << i;

        var n = s.AllGs.Count;
        Span<byte> queued = n <= 512 ? stackalloc byte[n] : new byte[n];
        Span<byte> free = n <= 512 ? stackalloc byte[n] : new byte[n];
        Span<byte> waits = n <= 512 ? stackalloc byte[n] : new byte[n];
        Span<byte> curg = n <= 512 ? stackalloc byte[n] : new byte[n];
        queued.Clear(); free.Clear(); waits.Clear(); curg.Clear();

        // Run queues (§7.3-7.7).
        foreach (var p in s.Ps)
        {
            if (p.Length > P.RunQSize) { Fail(4); continue; }
            for (var i = p.Head; i != p.Tail; i++)
            {
                var slot = p.RunQ[i % P.RunQSize] - 1;
                if ((uint)slot >= (uint)n) { Fail(1); continue; }
                queued[slot]++;
                if (s.AllGs[slot].Status != GStatus.Runnable) Fail(1);
                if (p.RunNext == slot + 1) Fail(3);
            }
            if (p.RunNext != 0)
            {
                var slot = p.RunNext - 1;
                queued[slot]++;
                if (s.AllGs[slot].Status != GStatus.Runnable) Fail(1);
            }
            if (p.GFreeN != p.GFree.Count) Fail(5);
            if (p.GFreeN >= SchedConstants.GFreeSpillAt) Fail(6);
            foreach (var slot in p.GFree)
            {
                free[slot]++;
                if (s.AllGs[slot].Status != GStatus.Dead) Fail(6);
            }
        }
        foreach (var slot in s.RunQ)
        {
            queued[slot]++;
            if (s.AllGs[slot].Status != GStatus.Runnable) Fail(1);
        }
        if (s.RunQSize != s.RunQ.Count) Fail(5);
        foreach (var slot in s.GFreeStack)
        {
            free[slot]++;
            if (s.AllGs[slot].Status != GStatus.Dead || s.AllGs[slot].StackSize == 0) Fail(6);
        }
        foreach (var slot in s.GFreeNoStack)
        {
            free[slot]++;
            if (s.AllGs[slot].Status != GStatus.Dead || s.AllGs[slot].StackSize != 0) Fail(6);
        }
        for (var sema = 0; sema < s.SemaWaiters.Length; sema++)
        {
            if (s.SemaWaiters[sema].Count > 0 && s.SemaCount[sema] > 0)
            {
                // semrelease (handoff = false) counts up and readies one waiter with no ticket; until that g retries,
                // the count is positive while others still wait. More count than retries on the way is a lost wakeup.
                var retrying = 0;
                foreach (var g in s.AllGs)
                    if (g.WaitSema == -sema - 1) retrying++;
                if (s.SemaCount[sema] > retrying) Fail(17);
            }
            foreach (var slot in s.SemaWaiters[sema])
            {
                waits[slot]++;
                if (s.AllGs[slot].WaitSema != sema + 1) Fail(8);
            }
        }

        // Channels: C1-C5, and the places channel waits give gs (§7.4, §7.10).
        if (s.UsesChannels) bad |= ChannelsFailing(s, waits);
        // Timer heaps (T1): each entry is a sleeping g's, at its deadline, below no earlier parent; it is where the
        // g waits (§7.10).
        foreach (var p in s.Ps)
        {
            var t = p.Timers;
            for (var i = 0; i < t.Count; i++)
            {
                var slot = t[i].G;
                if ((uint)slot >= (uint)n) { Fail(TimerHeaps); continue; }
                waits[slot]++;
                var g = s.AllGs[slot];
                if (!g.Sleeping || g.TimerWhen != t[i].When || t[i].When <= 0) Fail(TimerHeaps);
                if (i > 0 && t[(i - 1) / TimerContract.HeapArity].When > t[i].When) Fail(TimerHeaps);
            }
        }

        // Network waiters (N1): each live pollDesc's rg holds a g parked on it; that is where the g waits.
        for (var i = 0; i < s.PollDescs.Count; i++)
        {
            var pd = s.PollDescs[i];
            if ((uint)pd.G >= (uint)n) { Fail(NetWaiters); continue; }
            waits[pd.G]++;
            if (s.AllGs[pd.G].NetPd != pd.Id || pd.Id <= 0 || pd.Id > s.PdSeq) Fail(NetWaiters);
            for (var j = 0; j < i; j++)
                if (s.PollDescs[j].Id == pd.Id) Fail(NetWaiters);
        }
        if (s.NetpollWaiters != s.PollDescs.Count) Fail(NetWaiters);

        // Ms (§7.9, §7.17, §7.18).
        var spinning = 0;
        foreach (var m in s.Ms)
        {
            if (m.Spinning)
            {
                spinning++;
                if (m.P != 0 && !s.Ps[m.P - 1].RunQEmpty) Fail(15);
            }
            if (m.Curg != 0)
            {
                var g = s.AllGs[m.Curg - 1];
                curg[m.Curg - 1]++;
                if (g.M != m.Id + 1) Fail(7);
                var expected = m.Phase switch { MPhase.Running => GStatus.Running, MPhase.Syscall => GStatus.Syscall, _ => (GStatus)0xFFFF };
                if (g.Status != expected) Fail(8);
            }
            else if (m.Phase is MPhase.Running or MPhase.Syscall) Fail(7);
            if (m.P != 0 && s.Ps[m.P - 1].M != m.Id + 1) Fail(14);
            if (m.Phase is MPhase.Running or MPhase.Schedule && m.P == 0) Fail(14);
            if (m.Phase is MPhase.Idle or MPhase.Syscall or MPhase.Start && m.P != 0) Fail(14);
        }
        if (spinning != s.NmSpinning) Fail(15);
        var procs = s.Ps.Count;
        Span<int> onPidleOf = procs <= 64 ? stackalloc int[procs] : new int[procs];
        Span<int> nextPOf = procs <= 64 ? stackalloc int[procs] : new int[procs];
        Span<int> oldPOf = procs <= 64 ? stackalloc int[procs] : new int[procs];
        onPidleOf.Clear(); nextPOf.Clear(); oldPOf.Clear();
        foreach (var id in s.Pidle) onPidleOf[id]++;
        foreach (var m in s.Ms)
        {
            if (m.NextP != 0) nextPOf[m.NextP - 1]++;
            if (m.Phase == MPhase.Syscall && m.OldP != 0) oldPOf[m.OldP - 1]++;
        }
        foreach (var p in s.Ps)
        {
            var onPidle = onPidleOf[p.Id];
            var nextOf = nextPOf[p.Id];
            var oldOf = oldPOf[p.Id];
            switch (p.Status)
            {
                case PStatus.Running:
                    if (p.M == 0 || s.Ms[p.M - 1].P != p.Id + 1 || onPidle != 0) Fail(14);
                    break;
                case PStatus.Idle:
                    if (p.M != 0 || onPidle + nextOf != 1 || !p.RunQEmpty && nextOf == 0) Fail(14);
                    break;
                case PStatus.Syscall:
                    if (p.M != 0 || oldOf == 0 || onPidle != 0) Fail(14); // several Ms may remember it: m.oldp goes stale after a retake
                    break;
                default:
                    Fail(14);
                    break;
            }
        }

        // Each g (§7.1, 7.4, 7.10-7.16, 7.23).
        // Goids are unique (checked pairwise below: n is small), positive and handed out already.
        foreach (var g in s.AllGs)
        {
            var i = g.Slot;
            if (!g.Status.IsValid()) Fail(0);
            if (g.Status == GStatus.Idle) Fail(13);
            if (queued[i] + free[i] + waits[i] > 1) Fail(2);
            if (g.Sched.G != i + 1) Fail(10);
            if (g.Goid <= 0 || g.Goid > s.GoidGen) Fail(12);
            if (n <= 32)
                for (var j = 0; j < i; j++)
                    if (s.AllGs[j].Goid == g.Goid) Fail(12);
            var placed = g.Status switch
            {
                GStatus.Runnable => queued[i] == 1 && free[i] + waits[i] + curg[i] == 0 && g.M == 0,
                GStatus.Running or GStatus.Syscall => curg[i] == 1 && queued[i] + free[i] + waits[i] == 0,
                GStatus.Waiting => waits[i] == 1 && queued[i] + free[i] + curg[i] == 0 && g.M == 0,
                GStatus.Dead => free[i] == 1 && queued[i] + waits[i] + curg[i] == 0,
                _ => false,
            };
            if (!placed) Fail(8);
            switch (g.Status)
            {
                case GStatus.Running:
                    if (g.Sched.Sp != 0 || g.Sched.Ctxt || g.Sched.Ret != 0 || g.Sched.Bp != 0) Fail(9);
                    break;
                case GStatus.Runnable or GStatus.Waiting or GStatus.Syscall:
                    // B3: stack.lo < sched.sp ≤ stack.hi, i.e. 0 < hi − sp < the stack's size.
                    if (g.Sched.Sp == 0 || g.Sched.Sp >= g.StackSize || g.Sched.Pc.Kind == PcKind.Zero) Fail(9);
                    break;
                case GStatus.Dead:
                    if (g.M != 0 || g.WaitSema != 0 || g.ChanWait != WaitReason.None || g.WakeCase != G.NoWake || g.SelectDone) Fail(16);
                    break;
            }
            if (g.Status == GStatus.Syscall && (g.SyscallSp == 0 || g.Sched.Sp != g.SyscallSp)) Fail(11);
            if (g.Sleeping && (g.Status != GStatus.Waiting || waits[i] != 1)) Fail(TimerHeaps);
            if (!g.Sleeping && g.TimerWhen > s.Now) Fail(NoEarlyTimer);
            if (g.NetPd != 0 && (g.Status != GStatus.Waiting || waits[i] != 1 || g.Sleeping || g.WaitSema != 0)) Fail(NetWaiters);
            if (!StackSizeHolds(g, cfg)) Fail(StackSizes);
            if (!SavedSpInStackHolds(g)) Fail(SavedSpInStack);
            if (!PreemptGuardHolds(g, s.Code)) Fail(PreemptGuard);
        }
        if (n > 32 && s.AllGs.Select(g => g.Goid).Distinct().Count() != n) Fail(12);
        if (s.GoidGen % SchedConstants.GoidCacheBatch != 0) Fail(12);
        foreach (var p in s.Ps)
        {
            if (p.GoidCacheEnd == 0) continue;
            if (p.GoidCache > p.GoidCacheEnd || p.GoidCacheEnd % SchedConstants.GoidCacheBatch != 1 || p.GoidCacheEnd > s.GoidGen + 1) Fail(12);
        }
        return bad;
    }

    /// <summary>
    /// S1. Go's stackalloc hands out powers of two only (it throws "stack size not a power of 2" otherwise), malg and
    /// gfget give startingStackSize (2048), and newstack doubles, then doubles again while the frame does not fit, so a
    /// stack is 2048 · 2^k. The model states it against the starting size of the g's allgs slot
    /// (<see cref="SchedConfig.StartingStackBytes"/>), which is 2048 unless <see cref="SchedConfig.ColourStacks"/> is
    /// on: the colouring (not Go's) takes the slot's colour off the top of a fresh stack, so a coloured stack is
    /// (2048 − colour) · 2^k and no power of two; the native runtime colours only its fixed stacks, which never grow
    /// (k = 0). With growth off every stack is exactly its starting size. Only a dead g may have no stack (gfput freed
    /// a grown one).
    /// </summary>
    private static bool StackSizeHolds(G g, SchedConfig cfg)
    {
        if (g.StackSize == 0) return g.Status == GStatus.Dead;
        var starting = cfg.StartingStackBytes(g.Slot);
        if (!cfg.GrowStacks) return g.StackSize == starting;
        if (starting <= 0 || g.StackSize < starting || g.StackSize % starting != 0) return false;
        var k = g.StackSize / starting;
        return (k & (k - 1)) == 0;
    }

    /// <summary>
    /// S3. preemptone writes stackguard0 = stackPreempt together with gp.preempt; execute restores the guard and clears
    /// the flag; gfput's stackfree zeroes the guard with the stack and leaves the flag. So stackPreempt is never seen
    /// without gp.preempt or without a stack. A g newstack preempted at a call's prologue (<see cref="G.ResumeCall"/>)
    /// is runnable (on a queue) or running (executed, its Run step not begun), and its saved pc is that prologue's, the
    /// one morestack saved and gogo jumps back to.
    /// </summary>
    private static bool PreemptGuardHolds(G g, CompiledWorkload code)
    {
        if (g.GuardPreempt && (!g.Preempt || g.StackSize == 0)) return false;
        if (g.ResumeCall < 0) return true;
        return g.Status is GStatus.Runnable or GStatus.Running && g.Body >= 0
            && g.ResumeCall < code.Bodies[g.Body].Count && code.Bodies[g.Body].Ops[g.ResumeCall] is Workload.CallOp
            && g.Sched.Pc == AbstractPc.At(g.ResumeCall);
    }

    /// <summary>
    /// S2: the stack's side of B3, for every g that is not running, dead ones with a stack included. Gobuf sp and bp are
    /// offsets below stack.hi (0 = the field is zero), so inside the stack is 0 &lt; offset &lt; size. A runnable, waiting
    /// or syscall g always has a saved sp (newproc1 lays out a new g's first frame at hi − 40; every switch away saves
    /// one); a dead g keeps what its goexit's mcall saved while its stack is the one it died on, and has no stack at all
    /// once gfput freed a grown one (gfget gives it a fresh stack only in the step that reuses it, whose newproc1 lays
    /// out a new gobuf). A saved frame pointer is never below the saved sp (every save takes bp from the frame whose sp
    /// it saves, or from its caller). A running g's gobuf is cleared (B2), and copystack, the only writer that moves a
    /// stack, runs inside one step.
    /// </summary>
    private static bool SavedSpInStackHolds(G g)
    {
        switch (g.Status)
        {
            case GStatus.Runnable or GStatus.Waiting or GStatus.Syscall:
                if (g.Sched.Sp <= 0) return false;
                break;
            case GStatus.Dead:
                if (g.StackSize == 0) return true;
                if (g.Sched.Sp < 0) return false;
                break;
            default:
                return true;
        }
        var (sp, bp) = (g.Sched.Sp, g.Sched.Bp);
        return sp < g.StackSize && bp >= 0 && bp < g.StackSize && (bp == 0 || bp <= sp);
    }

    /// <summary>A wait that no wake-up ends: a nil channel's send or receive, <c>select {}</c>, a select whose
    /// cases all have nil channels.</summary>
    private static bool ParksForever(SchedState s, G g)
    {
        switch (g.ChanWait)
        {
            case WaitReason.ChanSendNilChan or WaitReason.ChanReceiveNilChan or WaitReason.SelectNoCases: return true;
            case WaitReason.Select:
                var sel = g.After >= 0 ? s.Code.Bodies[g.Body].Select[g.After] : -1;
                return sel >= 0 && s.Code.Selects[sel].PollCases.Length == 0;
            default: return false;
        }
    }

    /// <summary>
    /// C1-C5 (docs/channels.md), and each channel wait's place for §7.10: a plain sudog is one place of its g; a
    /// select's live sudogs together are one place of its g; a wait for good is one place. A select sudog is stale
    /// once its g's selectDone is set (a waker won the select and its g has yet to take the others off in pass 3).
    /// </summary>
    private static ulong ChannelsFailing(SchedState s, Span<byte> waits)
    {
        ulong bad = 0;
        void Fail(int i) => bad |= 1UL << i;
        var n = s.AllGs.Count;
        Span<byte> selectSudogs = n <= 512 ? stackalloc byte[n] : new byte[n];
        selectSudogs.Clear();
        var code = s.Code;
        foreach (var h in s.Chans)
        {
            if (h.IsNil)
            {
                if (h.Closed || h.QCount != 0 || h.SendX != 0 || h.RecvX != 0 || h.RecvQ.Count + h.SendQ.Count != 0) Fail(SudogWaits);
                continue;
            }
            var liveRecv = 0;
            var liveSend = 0;
            // One select may wait on both ends of one channel (pass 2 queues a sudog per case): C1 is about two gs.
            var liveG = -1;
            var oneG = true;
            for (var q = 0; q < 2; q++)
            {
                var send = q == Stepper.SendQ;
                foreach (var sg in send ? h.SendQ : h.RecvQ)
                {
                    if ((uint)sg.G >= (uint)n) { Fail(SudogWaits); continue; }
                    var gp = s.AllGs[sg.G];
                    var stale = sg.IsSelect && gp.SelectDone;
                    if (!stale)
                    {
                        if (send) liveSend++;
                        else liveRecv++;
                        if (liveG < 0) liveG = sg.G;
                        else if (liveG != sg.G) oneG = false;
                        if (sg.IsSelect) selectSudogs[sg.G]++;
                        else waits[sg.G]++;
                    }
                    // C4: the sudog stands for what its g waits on.
                    if (stale)
                    {
                        // A waker won the select: the g is on its way to pass 3.
                        if (gp.WakeCase == G.NoWake || gp.Status is not (GStatus.Runnable or GStatus.Running)) Fail(SudogWaits);
                    }
                    else if (gp.Status != GStatus.Waiting || gp.WakeCase != G.NoWake || !WaitsOn(code, gp, h.Index, send, sg.Case)) Fail(SudogWaits);
                    if (send ? sg.Value != gp.SendValue : sg.Value != 0) Fail(SudogWaits);
                }
            }
            // C1.
            if (liveRecv > 0 && liveSend > 0 && !oneG) Fail(NoBothQueues);
            // C2.
            if (h.QCount < 0 || h.QCount > h.Capacity) Fail(QCountBounded);
            else if (h.Capacity == 0 ? h.SendX != 0 || h.RecvX != 0
                     : (uint)h.SendX >= (uint)h.Capacity || (uint)h.RecvX >= (uint)h.Capacity || h.SendX != (h.RecvX + h.QCount) % h.Capacity)
                Fail(QCountBounded);
            // C3.
            if (h.QCount > 0 && liveRecv > 0 || h.QCount < h.Capacity && liveSend > 0) Fail(BufferVsWaiters);
            // C5: no receive took a value out of order, and the ring holds exactly the unreceived values, oldest at
            // recvx, every other slot cleared.
            if (h.FifoBroken || h.Ledger.Count != h.QCount) Fail(FifoValues);
            else if (h.Capacity > 0 && h.QCount >= 0 && h.QCount <= h.Capacity && (uint)h.RecvX < (uint)h.Capacity)
                for (var i = 0; i < h.Capacity; i++)
                {
                    var at = (h.RecvX + i) % h.Capacity;
                    if (i < h.QCount ? h.Buf[at] != h.Ledger[i] || h.Buf[at] == 0 : h.Buf[at] != 0) { Fail(FifoValues); break; }
                }
        }
        foreach (var g in s.AllGs)
        {
            // A pending tail (gp.param set) belongs to a g that a channel has readied and that has not run since.
            if (g.WakeCase != G.NoWake && g.Status is not (GStatus.Runnable or GStatus.Running)) Fail(SudogWaits);
            if (g.SelectDone && g.WakeCase == G.NoWake) Fail(SudogWaits);
            if (g.ChanWait == WaitReason.None) continue;
            if (g.Status != GStatus.Waiting) { Fail(SudogWaits); continue; }
            if (ParksForever(s, g)) waits[g.Slot]++;
            else if (g.ChanWait == WaitReason.Select)
            {
                // Pass 2 queued one sudog per non-nil channel case, and none has been popped (selectDone is clear).
                var sel = code.Selects[code.Bodies[g.Body].Select[g.After]];
                if (selectSudogs[g.Slot] != sel.PollCases.Length) Fail(SudogWaits);
                if (selectSudogs[g.Slot] > 0) waits[g.Slot]++;
            }
        }
        return bad;
    }

    /// <summary>Whether a live sudog of <paramref name="g"/> on channel <paramref name="c"/> (its sendq when
    /// <paramref name="send"/>) for case <paramref name="casi"/> (-1 plain) matches the op the g is parked in.</summary>
    private static bool WaitsOn(CompiledWorkload code, G g, int c, bool send, int casi)
    {
        if (g.After < 0) return false;
        var body = code.Bodies[g.Body];
        var op = body.Ops[g.After];
        var sel = body.Select[g.After];
        if (sel < 0)
            return casi < 0 && body.Chan[g.After] == c && (send ? op is Workload.SendOp && g.ChanWait == WaitReason.ChanSend
                                                                : op is Workload.RecvOp && g.ChanWait == WaitReason.ChanReceive);
        var info = code.Selects[sel];
        if (info.Kind == SelectKind.Plain)
            return casi < 0 && info.CaseChans[0] == c && (info.CaseKinds[0] == Workload.SelectCaseKind.Send) == send
                   && g.ChanWait == (send ? WaitReason.ChanSend : WaitReason.ChanReceive);
        return info.Kind == SelectKind.Selectgo && g.ChanWait == WaitReason.Select && (uint)casi < (uint)info.CaseChans.Length
               && info.CaseChans[casi] == c && (info.CaseKinds[casi] == Workload.SelectCaseKind.Send) == send;
    }
}
