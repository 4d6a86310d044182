using Implementation.Snapshots;

namespace Conformance.Refinement;

/// <summary>
/// The invariants at rest (go-runtime-reference.md §3.3 and §7), each named and checked on every snapshot of the
/// runtime's real records — state no event shows. The numbers in the names are the reference's. One instance
/// follows one run's snapshots: a g's record that is shared with an earlier snapshot (unchanged) and passed then is not
/// checked again, so the cost follows what changed.
/// </summary>
public sealed class SnapshotInvariants
{
    /// <summary>A broken invariant: its name and what broke it.</summary>
    public readonly record struct Broken(string Name, string Detail);

    /// <summary>Every invariant's name, in the order they are checked.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        B1, B2, B3, B5, DeadHasNoM, CurgPointsBack, QueuedIsRunnableOnce, FreeIsDeadOnce, RingBounds, IdlePHasEmptyQueue, StackGuard,
        ChanQCount, ChanNoBothQueues, ChanBufferVsWaiters, ChanSudogWaits, ChanBufferInSendOrder,
    ];

    public const string B1 = "B1: sched.g is the g itself";
    public const string B2 = "B2: a g running on its own stack has sched.sp = ctxt = ret = bp = 0 (after gogo)";
    public const string B3 = "B3: a g that is not running has its saved sp inside its stack and a resume pc";
    public const string B5 = "B5: a g in _Gsyscall has syscallsp inside its stack";
    public const string DeadHasNoM = "23: a dead g has m == nil";
    public const string CurgPointsBack = "9: m.curg.m == m";
    public const string QueuedIsRunnableOnce = "3, 4: a g in a run queue (ring, runnext, global) is runnable and in exactly one queue";
    public const string FreeIsDeadOnce = "8: a g on a gFree list is dead and on one list only";
    public const string RingBounds = "6: 0 <= runqtail - runqhead <= 256";
    public const string IdlePHasEmptyQueue = "17: a _Pidle P on sched.pidle has an empty run queue";
    public const string StackGuard = "stackguard0 = stack.lo + StackGuard, or stackPreempt with preempt set, for a g with a stack; 0 without one";
    public const string ChanQCount = "C2: 0 <= qcount <= dataqsiz and sendx = (recvx + qcount) mod dataqsiz";
    public const string ChanNoBothQueues = "C1: no channel has a waiting sender and a waiting receiver of two different gs (stale select sudogs aside)";
    public const string ChanBufferVsWaiters = "C3: a non-empty buffer has no waiting receiver, a non-full one no waiting sender (stale select sudogs aside)";
    public const string ChanSudogWaits = "C4: each sudog's g is waiting on a channel, or is a select whose race a waker has won";
    public const string ChanBufferInSendOrder = "C5: the values in a buffer from one sender are in the order it sent them";

    private readonly List<GSnapshot> _changed = [];
    private readonly HashSet<long> _queued = [];
    private PSnapshot[] _lastPs = [];
    private long[] _lastRunQ = [];
    private long[] _lastGFree = [];
    private readonly Dictionary<long, GSnapshot> _byGoid = [];
    private readonly Dictionary<long, GSnapshot> _dead = [];
    private GSnapshot?[] _bySlot = [];

    private bool SameQueues(RuntimeSnapshot s)
    {
        if (_lastPs.Length != s.Ps.Length || !_lastRunQ.AsSpan().SequenceEqual(s.GlobalRunQ) || !_lastGFree.AsSpan().SequenceEqual(s.GFree))
            return false;
        for (var i = 0; i < s.Ps.Length; i++)
        {
            PSnapshot a = _lastPs[i], b = s.Ps[i];
            if (a.Status != b.Status || a.OnPidle != b.OnPidle || a.Head != b.Head || a.Tail != b.Tail || a.RunNext != b.RunNext
                || !a.Ring.AsSpan().SequenceEqual(b.Ring) || !a.GFree.AsSpan().SequenceEqual(b.GFree))
                return false;
        }
        return true;
    }

    /// <summary>The channel invariants (docs/channels.md): every hchan's counters, its queues against its buffer, each
    /// sudog's g, and the order of each sender's values in the buffer. A select's sudog is stale once its g's
    /// selectDone is set (a waker won the race; pass 3 has not taken the sudog off yet).</summary>
    private static Broken? Channels(RuntimeSnapshot s, Dictionary<long, GSnapshot> byGoid)
    {
        foreach (var c in s.Chans)
        {
            if (c is null) continue;
            var name = $"chan {c.Index}";
            if (c.QCount < 0 || c.QCount > c.DataQSiz || c.Buffer.Length != c.QCount
                || (c.DataQSiz > 0 ? c.SendX != (c.RecvX + c.QCount) % c.DataQSiz : c.SendX != 0 || c.RecvX != 0))
                return new Broken(ChanQCount, $"{name} has qcount {c.QCount} ({c.Buffer.Length} values), dataqsiz {c.DataQSiz}, sendx {c.SendX}, recvx {c.RecvX}");
            bool Live(WaiterSnapshot w) => !w.IsSelect || !byGoid.TryGetValue(w.Goid, out var g) || g.SelectDone == 0;
            var liveRecv = c.RecvQ.Count(Live);
            var liveSend = c.SendQ.Count(Live);
            // One select may wait on both ends of one channel: C1 is about two different gs.
            var oneG = c.RecvQ.Concat(c.SendQ).Where(Live).Select(w => w.Goid).Distinct().Count() <= 1;
            if (liveRecv > 0 && liveSend > 0 && !oneG)
                return new Broken(ChanNoBothQueues, $"{name} has {liveSend} waiting senders and {liveRecv} waiting receivers");
            if (c.QCount > 0 && liveRecv > 0)
                return new Broken(ChanBufferVsWaiters, $"{name} holds {c.QCount} values and {liveRecv} waiting receivers");
            if (c.QCount < c.DataQSiz && liveSend > 0)
                return new Broken(ChanBufferVsWaiters, $"{name} has room for {c.DataQSiz - c.QCount} values and {liveSend} waiting senders");
            foreach (var w in c.RecvQ.Concat(c.SendQ))
            {
                if (!byGoid.TryGetValue(w.Goid, out var g))
                    return new Broken(ChanSudogWaits, $"{name} has a sudog of g{w.Goid}, which is no live g");
                var waitsHere = g.Status == GStatus.Waiting && g.WaitReason is WaitReason.ChanSend or WaitReason.ChanReceive or WaitReason.Select;
                if (!waitsHere && !(w.IsSelect && g.SelectDone != 0))
                    return new Broken(ChanSudogWaits, $"{name} has a sudog of g{w.Goid}, which is {g.Status.GoName()} ({g.WaitReason.GoName()}) and no select's");
            }
            var lastSeq = new Dictionary<long, long>();
            foreach (var v in c.Buffer)
            {
                var sender = Model.Workload.ChanValues.Goid(v);
                var seq = Model.Workload.ChanValues.Seq(v);
                if (lastSeq.TryGetValue(sender, out var before) && seq <= before)
                    return new Broken(ChanBufferInSendOrder, $"{name}'s buffer holds g{sender}'s send #{before} before its send #{seq}");
                lastSeq[sender] = seq;
            }
        }
        return null;
    }

    /// <summary>The first invariant <paramref name="s"/> breaks, or null. After a break nothing is remembered as
    /// checked, so the same snapshot breaks again when the checker's search comes back to it on another path.</summary>
    public Broken? FirstBroken(RuntimeSnapshot s)
    {
        var broken = Check(s);
        if (broken is not null)
        {
            Array.Clear(_bySlot);
            _byGoid.Clear();
            _dead.Clear();
            _lastPs = [];
        }
        return broken;
    }

    private Broken? Check(RuntimeSnapshot s)
    {
        if (_bySlot.Length < s.Gs.Length) Array.Resize(ref _bySlot, s.Gs.Length);
        _changed.Clear();
        foreach (var g in s.Gs)
        {
            var before = _bySlot[g.Slot];
            if (ReferenceEquals(before, g)) continue;
            _changed.Add(g);
            if (before is not null)
            {
                if (_byGoid.TryGetValue(before.Goid, out var b) && ReferenceEquals(b, before)) _byGoid.Remove(before.Goid);
                if (_dead.TryGetValue(before.Goid, out var d) && ReferenceEquals(d, before)) _dead.Remove(before.Goid);
            }
            _bySlot[g.Slot] = g;
            if (g.Status == GStatus.Dead) _dead[g.Goid] = g;
            else if (g.Status != GStatus.Idle) _byGoid[g.Goid] = g;
        }
        var byGoid = _byGoid;

        foreach (var g in _changed)
        {
            var name = $"allg[{g.Slot}] (g{g.Goid}, {g.Status.GoName()})";
            if (g.Status != GStatus.Idle && g.Sched.G != g.Self)
                return new Broken(B1, $"{name} has sched.g = 0x{g.Sched.G:x}, its record is at 0x{g.Self:x}");
            if (g.Status == GStatus.Running && g.Shadow is { } shadow && (shadow.Sp | shadow.Ctxt | shadow.Ret | shadow.Bp) != 0)
                return new Broken(B2, $"{name} ran with sched sp=0x{shadow.Sp:x} ctxt=0x{shadow.Ctxt:x} ret=0x{shadow.Ret:x} bp=0x{shadow.Bp:x}");
            if (g.Status is GStatus.Runnable or GStatus.Waiting or GStatus.Syscall
                && (g.Sched.Sp <= g.StackLo || g.Sched.Sp > g.StackHi || g.Sched.Pc == 0))
                return new Broken(B3, $"{name} has sched.sp = 0x{g.Sched.Sp:x} (stack 0x{g.StackLo:x}..0x{g.StackHi:x}) and sched.pc = 0x{g.Sched.Pc:x}");
            if (g.Status == GStatus.Syscall && (g.SyscallSp <= g.StackLo || g.SyscallSp > g.StackHi))
                return new Broken(B5, $"{name} has syscallsp = 0x{g.SyscallSp:x} (stack 0x{g.StackLo:x}..0x{g.StackHi:x})");
            if (g.Status == GStatus.Dead && g.M >= 0)
                return new Broken(DeadHasNoM, $"{name} has g.m = m{g.M}");
            // Growing stacks keep Go's 928 bytes (GoStacks.StackGuard), fixed ones 16 KiB (StackPool.StackGuard); the
            // snapshot does not say which kind a run has, so either distance is accepted. stackPreempt only with
            // gp.preempt (preemptone sets both, execute clears both); no stack, a zero guard (stackfree).
            var preempted = g.StackGuard0 == (long)Native.StackCheck.StackPreempt;
            if (preempted && !g.Preempt)
                return new Broken(StackGuard, $"{name} has stackguard0 = stackPreempt and preempt = false");
            if (g.StackLo != 0 && !preempted && g.StackGuard0 != g.StackLo + Native.GoStacks.StackGuard && g.StackGuard0 != g.StackLo + Native.StackPool.StackGuard)
                return new Broken(StackGuard, $"{name} has stackguard0 = 0x{g.StackGuard0:x}, neither stack.lo + {Native.GoStacks.StackGuard} nor stack.lo + {Native.StackPool.StackGuard} nor stackPreempt");
            if (g.StackLo == 0 && g.StackGuard0 != 0)
                return new Broken(StackGuard, $"{name} has no stack and stackguard0 = 0x{g.StackGuard0:x}");
        }

        if (Channels(s, byGoid) is { } bc) return bc;

        foreach (var m in s.Ms)
        {
            if (m.Curg == 0) continue;
            if (!byGoid.TryGetValue(m.Curg, out var g) || g.M != m.Id)
                return new Broken(CurgPointsBack, $"m{m.Id}.curg = g{m.Curg}, whose g.m is {(g is null ? "no live g" : g.M < 0 ? "nil" : $"m{g.M}")}");
        }

        // The queue and free-list invariants read every queued g: skip them when no queue, no list and no g record
        // changed since they last held.
        if (_changed.Count == 0 && SameQueues(s)) return null;
        var queued = _queued;
        queued.Clear();
        Broken? Queue(long goid, string where)
        {
            if (!queued.Add(goid))
                return new Broken(QueuedIsRunnableOnce, $"g{goid} is in {where} and in another queue before it");
            if (!byGoid.TryGetValue(goid, out var g) || g.Status != GStatus.Runnable)
                return new Broken(QueuedIsRunnableOnce, $"g{goid} in {where} is {(g is null ? "not a live g" : g.Status.GoName())}");
            return null;
        }
        foreach (var p in s.Ps)
        {
            var length = unchecked(p.Tail - p.Head);
            if (length > 256)
                return new Broken(RingBounds, $"p{p.Id} has runqhead {p.Head}, runqtail {p.Tail}");
            foreach (var goid in p.Ring)
                if (Queue(goid, $"p{p.Id}.runq") is { } b) return b;
            if (p.RunNext != 0 && Queue(p.RunNext, $"p{p.Id}.runnext") is { } bn) return bn;
            // On sched.pidle: exitsyscallfast's CAS of its old P from _Psyscall to _Pidle, then wirep, leaves a
            // _Pidle P that is on no list for a moment (as in Go), with whatever runnext held.
            if (p.Status == PStatus.Idle && p.OnPidle && (length != 0 || p.RunNext != 0))
                return new Broken(IdlePHasEmptyQueue, $"p{p.Id} is _Pidle with {length} gs in its ring and runnext {(p.RunNext == 0 ? "nil" : $"g{p.RunNext}")}");
        }
        foreach (var goid in s.GlobalRunQ)
            if (Queue(goid, "sched.runq") is { } b) return b;

        var free = new HashSet<long>();
        Broken? Free(long[] list, string where)
        {
            foreach (var goid in list)
                if (!free.Add(goid) || !_dead.ContainsKey(goid))
                    return new Broken(FreeIsDeadOnce, $"g{goid} on {where} is {(_dead.ContainsKey(goid) ? "on two lists" : "not dead")}");
            return null;
        }
        foreach (var p in s.Ps)
            if (Free(p.GFree, $"p{p.Id}.gFree") is { } b) return b;
        if (Free(s.GFree, "sched.gFree") is { } bs) return bs;
        _lastPs = s.Ps;
        _lastRunQ = s.GlobalRunQ;
        _lastGFree = s.GFree;
        return null;
    }
}
