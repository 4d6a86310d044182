using Implementation;
using Implementation.Snapshots;
using Model;

namespace Conformance.Refinement;

/// <summary>
/// Refinement at the level of state (ARCHITECTURE.md, "State, not only events"): after a matched model step, the
/// runtime's real records at the same point of the trace (a <see cref="RuntimeSnapshot"/> taken when exactly the
/// events the checker has consumed had been recorded) must equal the model's state, field by field: every g's status,
/// goid, g.m, stack, all seven gobuf fields, syscallsp and wait; every P's status, owner, ring head, tail and slots,
/// runnext, schedtick, gFree list and goid cache; the global run queue's contents, the gFree list, npidle,
/// nmspinning, nmidle; each semaphore's count and waiters; every M's curg, p and spinning.
/// <para>Both states are written as the same named rows (<see cref="StateView"/>), in the model's terms: a g's
/// sp, bp and syscallsp exactly, as "hi-N" (N bytes below the g's own stack.hi, which the model computes from the
/// frame ABI) or "0", a pc as the program point or stub label it maps to, the gobuf's g as "self" when it points at the
/// g's own record, the stack as its size (hi − lo; the model knows the runtime's colouring of each stack top). The first differing row is the violation, named with both values and the Go function that
/// writes that field. A snapshot also has to satisfy the invariants at rest (<see cref="SnapshotInvariants"/>).</para>
/// <para>What is not compared, and why: the gobuf of a g whose M is at a switch point, where a stub has just
/// overwritten it (mcall's or systemstack's save, reported by its own GobufSave event) or is about to load and clear
/// it (before gogo) — those fields are compared at the next point where they are at rest; repeat counters, which live
/// on the goroutine's stack; stackguard0 against the model (it has none; the invariants check it).</para>
/// </summary>
public sealed class StateRefinement : IStepObserver
{
    private readonly Dictionary<int, RuntimeSnapshot> _byEvents = [];
    private readonly Abstraction _abs;
    private readonly IReadOnlyList<string> _semaphores;
    private readonly IReadOnlyList<string> _channels;

    /// <param name="snapshots">The run's snapshots, in the order taken.</param>
    /// <param name="abs">Maps raw pcs to program points and stub labels.</param>
    /// <param name="semaphores">The workload's semaphore names, for the rows' names.</param>
    /// <param name="channels">The workload's channel names (declaration order), for the rows' names.</param>
    public StateRefinement(IReadOnlyList<RuntimeSnapshot> snapshots, Abstraction abs, IReadOnlyList<string> semaphores,
        IReadOnlyList<string>? channels = null)
    {
        _channels = channels ?? [];
        foreach (var s in snapshots) _byEvents.TryAdd(s.Events, s);
        _abs = abs;
        _semaphores = semaphores;
        Snapshots = snapshots.Count;
    }

    /// <summary>How many snapshots the run recorded.</summary>
    public int Snapshots { get; }

    /// <summary>How many model states were compared with a snapshot.</summary>
    public int Compared { get; private set; }

    /// <summary>The snapshot showing the state after exactly the trace's first <paramref name="events"/> events, if any.</summary>
    public RuntimeSnapshot? At(int events) => _byEvents.GetValueOrDefault(events);

    /// <summary>
    /// Compares the model's state after the checker consumed exactly the trace's first <paramref name="events"/>
    /// events with the snapshot taken there (null when there is none, or when they agree). <paramref name="runtimeM"/>
    /// maps a model M id to the runtime M it was matched with (null: not yet matched).
    /// </summary>
    public Violation? Compare(SchedState model, int events, Func<int, int?> runtimeM, IReadOnlyList<Implementation.Trace.TraceEvent> trace)
    {
        if (!_byEvents.TryGetValue(events, out var snap)) return null;
        // A throw or a panic ends the run in the middle of a step: the model stops where Go's fatal error stops (a
        // panicking op's systemstack never returns), while the runtime's records are those of its own way out
        // (systemstack's return, mcall to g0). Neither is a state at rest; the events and the outcome are compared.
        if (model.Outcome == Model.Outcome.Fatal && model.Fatal != Throw.Deadlock) return null;
        Compared++;
        var broken = _invariants.FirstBroken(snap);
        // A g whose stack gfput freed has its sp and bp read against the stack it died on (BelowHi): the bounds as of
        // this prefix's last event, not as of whichever event the search compared last (which may come before the
        // g's last StackGrow, and so name the stack it grew out of).
        var at = _abs.At;
        _abs.At = events - 1;
        var (mRows, rRows) = Rows(model, snap, runtimeM, useCache: true);
        if (broken is null && SameRows(mRows, rRows))
        {
            foreach (var (slot, runtime, entry) in _pending)
            {
                if (_agreed.Length <= slot)
                {
                    Array.Resize(ref _agreed, Math.Max(slot + 1, _agreed.Length * 2));
                    Array.Resize(ref _agreedRuntime, _agreed.Length);
                }
                _agreed[slot] = entry;
                _agreedRuntime[slot] = runtime;
            }
            _pending.Clear();
            _abs.At = at;
            return null;
        }
        _pending.Clear();
        var (modelView, runtimeView) = Views(model, snap, runtimeM);
        _abs.At = at;
        var index = events - 1;
        if (broken is { } b)
            return new Violation(ViolationKind.InvariantBroken,
                $"after event {index}, the runtime's state breaks the invariant \"{b.Name}\": {b.Detail}",
                index, (index >= 0 && index < trace.Count ? trace[index] : null), null, modelView, runtimeView, b.Name);
        foreach (var row in StateView.Diff(modelView, runtimeView))
        {
            if (!row.Differs) continue;
            return new Violation(ViolationKind.StateMismatch,
                $"after event {index}, {row.Key}: the model has {row.Left ?? "nothing"}, the runtime {row.Right ?? "nothing"} ({Writer(row.Key)})",
                index, (index >= 0 && index < trace.Count ? trace[index] : null), row.Left, modelView, runtimeView);
        }
        return null;
    }

    /// <summary>The checker's hook after each step: a step with runtime events that leaves exactly a prefix of the
    /// trace consumed is compared with the snapshot taken after that prefix, if there is one. The comparison depends
    /// only on its inputs (the rows a g agreed on are skipped only when the same inputs come again), so steps the
    /// checker's search later retracts do it no harm.</summary>
    public Violation? AfterStep(in StepObservation step) =>
        step.LastEventIndex < 0 || step.Prefix < 0 ? null : Compare(step.State, step.Prefix, step.RuntimeMOf, step.Trace);

    /// <summary>Whether both views hold the same rows in the same order (the common case: both are written in one order).</summary>
    private static bool SameRows(List<KeyValuePair<string, object?>> a, List<KeyValuePair<string, object?>> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (!ReferenceEquals(a[i].Key, b[i].Key) && a[i].Key != b[i].Key || !Equals(a[i].Value, b[i].Value))
                return false;
        return true;
    }

    /// <summary>Both states as rows of the same names.</summary>
    public (StateView Model, StateView Runtime) Views(SchedState model, RuntimeSnapshot snap, Func<int, int?> runtimeM)
    {
        var (m, r) = Rows(model, snap, runtimeM, useCache: false);
        return (ToView(m), ToView(r));
    }

    private const string StackPreemptText = "stackPreempt";
    private const string GuardText = "stack.lo + _StackGuard";

    /// <summary>A runtime g's stackguard0 in the model's terms: 0, stackPreempt, stack.lo + _StackGuard (either
    /// runtime's guard: <see cref="SnapshotInvariants.StackGuard"/> checks which), or the raw value.</summary>
    private static string StackGuardText(GSnapshot g) =>
        g.StackGuard0 == (long)Native.StackCheck.StackPreempt ? StackPreemptText
        : g.StackLo == 0 ? (g.StackGuard0 == 0 ? "0" : $"0x{g.StackGuard0:x}")
        : g.StackGuard0 - g.StackLo is Native.GoStacks.StackGuard or Native.StackPool.StackGuard ? GuardText
        : $"0x{g.StackGuard0:x}";

    private static StateView ToView(List<KeyValuePair<string, object?>> rows) =>
        new(rows.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value?.ToString() ?? "nil")));

    private int _lastCount = 64;
    private readonly SnapshotInvariants _invariants = new();

    /// <summary>What a g's rows were made of on the model's side, where its M stood and which runtime M its model M
    /// is (the runtime's record, shared between snapshots while unchanged, is kept beside it and compared by reference).</summary>
    private readonly record struct GRowsOf(long Goid, GStatus Status, int M, int StackSize, int SyscallSp,
        int WaitSema, Gobuf Sched, MPosition Position, int MappedM, int SendSeq, bool SelectDone, WaitReason WaitReason, bool Preempt,
        bool GuardPreempt);

    /// <summary>Per slot, the inputs of the g's rows when both sides last agreed: the same inputs give the same rows,
    /// so the g is skipped (this keeps the cost of a comparison proportional to what the step changed).</summary>
    private GRowsOf[] _agreed = new GRowsOf[16];
    private GSnapshot?[] _agreedRuntime = new GSnapshot?[16];
    private readonly List<(int Slot, GSnapshot Runtime, GRowsOf Entry)> _pending = [];
    private readonly Dictionary<(string, int, string), string> _keys = [];

    /// <summary>"allg[3].status": the row names, made once per slot and field.</summary>
    private string GKey(int slot, string field) => Key("allg", slot, field);

    /// <summary>"p0.runq", "m1.curg", "sema done.count": made once per entity and field.</summary>
    private string Key(string entity, int index, string field)
    {
        var id = (entity, index, field);
        if (!_keys.TryGetValue(id, out var k))
            _keys[id] = k = entity switch
            {
                "allg" => $"allg[{index}].{field}",
                "sema " => $"sema {SemaName(index)}.{field}",
                "chan " => $"chan {ChanName(index)}.{field}",
                _ => $"{entity}{index}.{field}",
            };
        return k;
    }

    /// <summary>Both states as rows of the same names, with values still typed (compared with Equals).</summary>
    private (List<KeyValuePair<string, object?>> Model, List<KeyValuePair<string, object?>> Runtime) Rows(SchedState model, RuntimeSnapshot snap, Func<int, int?> runtimeM, bool useCache)
    {
        var m = new List<KeyValuePair<string, object?>>(_lastCount);
        var r = new List<KeyValuePair<string, object?>>(_lastCount);
        static void Row(List<KeyValuePair<string, object?>> to, string key, object? value) => to.Add(new(key, value));

        // Which runtime M plays each model M (and back), for g.m, p.m and the M rows.
        var toRuntime = new Dictionary<int, int>();
        foreach (var mm in model.Ms)
            if (runtimeM(mm.Id) is { } rm) toRuntime[mm.Id] = rm;
        string ModelM(int plusOne) => plusOne == 0 ? "nil" : toRuntime.TryGetValue(plusOne - 1, out var rm) ? $"m{rm}" : $"model m{plusOne - 1} (not yet matched)";
        string RuntimeM(int id) => id < 0 ? "nil" : $"m{id}";
        long GoidOf(int slot) => slot >= 0 && slot < model.AllGs.Count ? model.AllGs[slot].Goid : -1;

        var channels = model.Channels.Count > 0;
        Row(m, "allgs", model.AllGs.Count);
        Row(r, "allgs", snap.Gs.Length);
        var positions = snap.Ms.ToDictionary(x => x.Id, x => x.Position);
        for (var i = 0; i < Math.Max(model.AllGs.Count, snap.Gs.Length); i++)
        {
            if (useCache && i < model.AllGs.Count && i < snap.Gs.Length)
            {
                var mg0 = model.AllGs[i];
                var rg0 = snap.Gs[i];
                // Most gs have no M on either side: no lookups for them.
                var pos0 = rg0.M < 0 ? MPosition.Scheduler : positions.TryGetValue(rg0.M, out var p0) ? p0 : MPosition.Scheduler;
                var mapped = mg0.M == 0 ? -1 : toRuntime.TryGetValue(mg0.M - 1, out var rm0) ? rm0 : -2;
                var inputs = new GRowsOf(mg0.Goid, mg0.Status, mg0.M, mg0.StackSize, mg0.SyscallSp, mg0.WaitSema, mg0.Sched, pos0, mapped,
                    mg0.SendSeq, mg0.SelectDone, mg0.WaitReason, mg0.Preempt, mg0.GuardPreempt);
                // The runtime's record by reference (records shared between snapshots are unchanged), the model's g by value.
                if (i < _agreed.Length && ReferenceEquals(_agreedRuntime[i], rg0) && _agreed[i].Equals(inputs)) continue;
                _pending.Add((i, rg0, inputs));
            }
            if (i < model.AllGs.Count)
            {
                var g = model.AllGs[i];
                Row(m, GKey(i, "goid"), g.Goid);
                Row(m, GKey(i, "status"), g.Status);
                Row(m, GKey(i, "m"), ModelM(g.M));
                Row(m, GKey(i, "stack"), g.StackSize > 0 ? $"{g.StackSize} bytes" : "no");
                Row(m, GKey(i, "preempt"), g.Preempt);
                Row(m, GKey(i, "stackguard0"), g.StackSize == 0 ? "0" : g.GuardPreempt ? StackPreemptText : GuardText);
                Row(m, GKey(i, "syscallsp"), Gobuf.Offset(g.SyscallSp));
                if (g.Status == GStatus.Waiting) Row(m, GKey(i, "waiting on"), g.WaitSema > 0 ? SemaName(g.WaitSema - 1) : WaitText(g.WaitReason));
                // A running g's own code counts its sends before it enters the runtime, so at a service entry the
                // runtime's count may already include the op the model's next step performs: compared at rest. A dead g's
                // count means nothing (newproc1 resets it when the g is reused).
                if (channels)
                {
                    if (g.Status is not (GStatus.Running or GStatus.Dead)) Row(m, GKey(i, "sendSeq"), (long)g.SendSeq);
                    Row(m, GKey(i, "selectDone"), g.SelectDone);
                }
            }
            if (i < snap.Gs.Length)
            {
                var g = snap.Gs[i];
                Row(r, GKey(i, "goid"), g.Goid);
                Row(r, GKey(i, "status"), g.Status);
                Row(r, GKey(i, "m"), RuntimeM(g.M));
                Row(r, GKey(i, "stack"), g.StackLo != 0 && g.StackHi > g.StackLo ? $"{g.StackHi - g.StackLo} bytes" : "no");
                Row(r, GKey(i, "preempt"), g.Preempt);
                Row(r, GKey(i, "stackguard0"), StackGuardText(g));
                Row(r, GKey(i, "syscallsp"), BelowHi(g, g.SyscallSp));
                if (g.Status == GStatus.Waiting) Row(r, GKey(i, "waiting on"), g.WaitSema >= 0 ? SemaName(g.WaitSema) : WaitText(g.WaitReason));
                if (channels)
                {
                    if (g.Status is not (GStatus.Running or GStatus.Dead)) Row(r, GKey(i, "sendSeq"), g.SendSeq);
                    Row(r, GKey(i, "selectDone"), g.SelectDone != 0);
                }
            }
            if (i < model.AllGs.Count && i < snap.Gs.Length)
            {
                // The gobuf, where it is at rest on both sides (see the class's remarks).
                var mg = model.AllGs[i];
                var rg = snap.Gs[i];
                var position = rg.M >= 0 && positions.TryGetValue(rg.M, out var p) ? p : MPosition.Scheduler;
                var words = rg.Shadow ?? rg.Sched;
                // The curg of an M at a switch point: the stub has just saved into its gobuf. That is the case for a g
                // in _Gsyscall too: our exitsyscall enters C# through systemstack, whose save overwrites what
                // reentersyscall saved (Go's exitsyscall runs on the g's own stack, so there B5 holds until E10/E11).
                var stubOwnsSpPcBp = rg.M >= 0 && rg.Shadow is null && position is MPosition.SwitchedBack or MPosition.InService;
                var gogoPending = rg.Status == GStatus.Running && position == MPosition.BeforeGogo;
                if (!stubOwnsSpPcBp && !gogoPending)
                {
                    Row(m, GKey(i, "sched.sp"), Gobuf.Offset(mg.Sched.Sp));
                    Row(r, GKey(i, "sched.sp"), BelowHi(rg, words.Sp));
                    Row(m, GKey(i, "sched.bp"), Gobuf.Offset(mg.Sched.Bp));
                    Row(r, GKey(i, "sched.bp"), BelowHi(rg, words.Bp));
                }
                // A running g's sched.pc is stale (gogo keeps it; B2 says nothing of it) and which stale value it holds
                // depends on how the runtime reaches its services: ours enter every one through systemstack (which
                // saves systemstack_switch), Go runs semacquire/semrelease on the g's own stack. Not compared.
                if (!stubOwnsSpPcBp && rg.Status != GStatus.Running)
                {
                    Row(m, GKey(i, "sched.pc"), mg.Sched.Pc);
                    Row(r, GKey(i, "sched.pc"), PcValue(words.Pc, rg.Goid));
                }
                Row(m, GKey(i, "sched.g"), mg.Sched.G == 0 ? "0" : mg.Sched.G == i + 1 ? "self" : $"allg[{mg.Sched.G - 1}]");
                Row(r, GKey(i, "sched.g"), words.G == 0 ? "0" : words.G == rg.Self ? "self" : $"0x{words.G:x}");
                if (!gogoPending)
                {
                    Row(m, GKey(i, "sched.ctxt"), mg.Sched.Ctxt ? "set" : "0");
                    Row(r, GKey(i, "sched.ctxt"), words.Ctxt != 0 ? "set" : "0");
                    // ret: nothing on these paths leaves it nonzero (gogo clears it, newproc1 zeroes the gobuf).
                    Row(m, GKey(i, "sched.ret"), "0");
                    Row(r, GKey(i, "sched.ret"), words.Ret == 0 ? "0" : $"0x{words.Ret:x}");
                }
                // lr: unused on amd64, always 0.
                Row(m, GKey(i, "sched.lr"), "0");
                Row(r, GKey(i, "sched.lr"), words.Lr == 0 ? "0" : $"0x{words.Lr:x}");
            }
        }

        for (var i = 0; i < Math.Max(model.Ps.Count, snap.Ps.Length); i++)
        {
            if (i < model.Ps.Count)
            {
                var p = model.Ps[i];
                Row(m, Key("p", i, "status"), p.Status);
                Row(m, Key("p", i, "m"), ModelM(p.M));
                Row(m, Key("p", i, "runqhead"), p.Head);
                Row(m, Key("p", i, "runqtail"), p.Tail);
                Row(m, Key("p", i, "runq"), GoidList.Of(p.RunQSlots(), GoidOf));
                Row(m, Key("p", i, "runnext"), p.RunNext == 0 ? 0L : GoidOf(p.RunNext - 1));
                Row(m, Key("p", i, "schedtick"), p.SchedTick);
                Row(m, Key("p", i, "gFree"), GoidList.Of(p.GFreeSlots(), GoidOf));
                Row(m, Key("p", i, "goidcache"), ((ulong)p.GoidCache, (ulong)p.GoidCacheEnd));
            }
            if (i < snap.Ps.Length)
            {
                var p = snap.Ps[i];
                Row(r, Key("p", i, "status"), p.Status);
                Row(r, Key("p", i, "m"), RuntimeM(p.M));
                Row(r, Key("p", i, "runqhead"), p.Head);
                Row(r, Key("p", i, "runqtail"), p.Tail);
                Row(r, Key("p", i, "runq"), new GoidList(p.Ring));
                Row(r, Key("p", i, "runnext"), p.RunNext);
                Row(r, Key("p", i, "schedtick"), p.SchedTick);
                Row(r, Key("p", i, "gFree"), new GoidList(p.GFree));
                Row(r, Key("p", i, "goidcache"), (p.GoidCache, p.GoidCacheEnd));
            }
        }

        Row(m, "sched.runq", GoidList.Of(model.GlobalRunQ, GoidOf));
        Row(r, "sched.runq", new GoidList(snap.GlobalRunQ));
        // The model keeps Go's two global gFree lists (LIFO, top last); with fixed stacks every dead g keeps its stack.
        Row(m, "sched.gFree", GoidList.Of(model.GFreeStackSlots.Reverse().Concat(model.GFreeNoStackSlots.Reverse()), GoidOf));
        Row(r, "sched.gFree", new GoidList(snap.GFree));
        Row(m, "sched.npidle", model.NPidle);
        Row(r, "sched.npidle", snap.NPidle);
        Row(m, "sched.nmspinning", model.NmSpinning);
        Row(r, "sched.nmspinning", snap.NmSpinning);
        Row(m, "sched.nmidle", model.IdleMs.Count);
        Row(r, "sched.nmidle", snap.NmIdle);
        for (var i = 0; i < model.Semaphores; i++)
        {
            Row(m, Key("sema ", i, "count"), (long)model.SemaphoreCount(i));
            Row(m, Key("sema ", i, "waiters"), GoidList.Of(model.SemaphoreWaiters(i), GoidOf));
        }
        for (var i = 0; i < snap.SemaCounts.Length; i++)
        {
            Row(r, Key("sema ", i, "count"), snap.SemaCounts[i]);
            Row(r, Key("sema ", i, "waiters"), new GoidList(snap.SemaWaiters[i]));
        }

        // Every hchan, field by field: the buffer's live values in ring order and both wait queues in FIFO order, each
        // sudog as its g's goid and the select case it stands for.
        for (var i = 0; i < model.Channels.Count; i++)
        {
            var c = model.Channels[i];
            var rc = i < snap.Chans.Length ? snap.Chans[i] : null;
            if (c.IsNil && rc is null) continue;
            Row(m, Key("chan ", i, "qcount"), (long)c.QCount);
            Row(m, Key("chan ", i, "dataqsiz"), (long)c.Capacity);
            Row(m, Key("chan ", i, "sendx"), (long)c.SendX);
            Row(m, Key("chan ", i, "recvx"), (long)c.RecvX);
            Row(m, Key("chan ", i, "closed"), c.Closed);
            Row(m, Key("chan ", i, "buf"), new ValueList([.. c.Queued()]));
            Row(m, Key("chan ", i, "recvq"), WaiterList.Of(c.Receivers.Select(w => (GoidOf(w.G), w.Case))));
            Row(m, Key("chan ", i, "sendq"), WaiterList.Of(c.Senders.Select(w => (GoidOf(w.G), w.Case))));
            if (rc is null)
            {
                Row(r, Key("chan ", i, "qcount"), "no hchan");
                continue;
            }
            Row(r, Key("chan ", i, "qcount"), rc.QCount);
            Row(r, Key("chan ", i, "dataqsiz"), rc.DataQSiz);
            Row(r, Key("chan ", i, "sendx"), rc.SendX);
            Row(r, Key("chan ", i, "recvx"), rc.RecvX);
            Row(r, Key("chan ", i, "closed"), rc.Closed);
            Row(r, Key("chan ", i, "buf"), new ValueList(rc.Buffer));
            Row(r, Key("chan ", i, "recvq"), WaiterList.Of(rc.RecvQ.Select(w => (w.Goid, w.IsSelect ? w.CaseIndex : -1))));
            Row(r, Key("chan ", i, "sendq"), WaiterList.Of(rc.SendQ.Select(w => (w.Goid, w.IsSelect ? w.CaseIndex : -1))));
        }

        foreach (var mm in model.Ms)
        {
            if (!toRuntime.TryGetValue(mm.Id, out var rmId)) continue;
            var rm = snap.Ms.FirstOrDefault(x => x.Id == rmId);
            Row(m, Key("m", rmId, "curg"), mm.Curg == 0 ? 0L : GoidOf(mm.Curg - 1));
            Row(m, Key("m", rmId, "p"), mm.P - 1);
            Row(m, Key("m", rmId, "spinning"), mm.Spinning);
            if (rm is null) continue;
            Row(r, Key("m", rmId, "curg"), rm.Curg);
            Row(r, Key("m", rmId, "p"), rm.P);
            Row(r, Key("m", rmId, "spinning"), rm.Spinning);
        }
        _lastCount = Math.Max(_lastCount, Math.Max(m.Count, r.Count));
        return (m, r);
    }

    /// <summary>A list of goids compared by content and shown as [g4 g5].</summary>
    private sealed class GoidList(long[] goids) : IEquatable<GoidList>
    {
        private readonly long[] _goids = goids;

        public static GoidList Of(IEnumerable<int> slots, Func<int, long> goidOf) => new([.. slots.Select(goidOf)]);

        public bool Equals(GoidList? other) => other is not null && _goids.AsSpan().SequenceEqual(other._goids);
        public override bool Equals(object? obj) => Equals(obj as GoidList);
        public override int GetHashCode() => _goids.Length;
        public override string ToString() => "[" + string.Join(" ", _goids.Select(g => $"g{g}")) + "]";
    }

    /// <summary>Channel values compared by content and shown as [g1#1 g1#2].</summary>
    private sealed class ValueList(long[] values) : IEquatable<ValueList>
    {
        private readonly long[] _values = values;
        public bool Equals(ValueList? other) => other is not null && _values.AsSpan().SequenceEqual(other._values);
        public override bool Equals(object? obj) => Equals(obj as ValueList);
        public override int GetHashCode() => _values.Length;
        public override string ToString() => "[" + string.Join(" ", _values.Select(Model.Workload.ChanValues.Describe)) + "]";
    }

    /// <summary>A channel's wait queue compared by content and shown as [g4 g5(select case 1)].</summary>
    private sealed class WaiterList((long Goid, int Case)[] waiters) : IEquatable<WaiterList>
    {
        private readonly (long Goid, int Case)[] _waiters = waiters;
        public static WaiterList Of(IEnumerable<(long Goid, int Case)> waiters) => new([.. waiters]);
        public bool Equals(WaiterList? other) => other is not null && _waiters.AsSpan().SequenceEqual(other._waiters);
        public override bool Equals(object? obj) => Equals(obj as WaiterList);
        public override int GetHashCode() => _waiters.Length;
        public override string ToString() =>
            "[" + string.Join(" ", _waiters.Select(w => w.Case >= 0 ? $"g{w.Goid}(select case {w.Case})" : $"g{w.Goid}")) + "]";
    }

    private static string WaitText(WaitReason reason) => reason == WaitReason.None ? "nothing" : reason.GoName();

    private string ChanName(int i) => i >= 0 && i < _channels.Count ? _channels[i] : $"chan {i}";

    /// <summary>A raw sp or bp in the model's terms: "0", or "hi-N" when it lies in the g's stack (lo, hi]. A dead g
    /// whose grown stack gfput freed keeps its stale sp and bp (as in Go); they are shown below the hi of the last stack
    /// the trace gave it (GoCreate or StackGrow), as the model keeps them.</summary>
    private string BelowHi(GSnapshot g, long value)
    {
        if (value == 0) return "0";
        if (value > g.StackLo && value <= g.StackHi) return Gobuf.Offset(checked((int)(g.StackHi - value)));
        if (g.StackLo == 0 && _abs.StackHi(g.Goid) is { } hi && value <= hi && hi - value < int.MaxValue)
            return Gobuf.Offset(checked((int)(hi - value)));
        return $"0x{value:x}, outside the stack";
    }

    /// <summary>The abstract pc a raw one maps to (equal to the model's AbstractPc when they agree), or a text naming it.</summary>
    private object PcValue(long pc, long goid)
    {
        var code = _abs.PcCode(pc, goid);
        return code < 0 ? $"0x{pc:x}, which is no program point" : AbstractPc.FromCode(code);
    }

    private string SemaName(int i) => i >= 0 && i < _semaphores.Count ? _semaphores[i] : $"sema {i}";

    /// <summary>The Go function(s) that write the field a row names, for the violation's message.</summary>
    public static string Writer(string key)
    {
        var field = key.Contains('.') ? key[(key.IndexOf('.') + 1)..] : key;
        return field switch
        {
            "status" when key.StartsWith("allg") => "written by casgstatus, from execute, park_m, ready, goschedImpl, goexit0, newproc1, entersyscall, exitsyscall",
            "m" when key.StartsWith("allg") => "execute sets g.m, dropg clears it (goexit0, park_m, gosched_m, exitsyscall0)",
            "goid" => "newproc1 assigns it from the P's goid cache",
            "stack" => "malg allocates it, gfput frees a stack of the wrong size",
            "preempt" => "sysmon's preemptone sets it, execute clears it",
            "stackguard0" => "malg and copystack set stack.lo + _StackGuard, preemptone stackPreempt, execute restores it, gfput's stackfree zeroes it",
            "syscallsp" => "reentersyscall sets it, exitsyscall clears it",
            "waiting on" => "semacquire and park_m (gopark's wait reason: chansend, chanrecv, selectgo) record it, ready clears it",
            "sendSeq" => "the send op's own code counts it (the value's sequence number); newproc1 resets it",
            "selectDone" => "waitq.dequeue's CAS sets it for the waker that wins a parked select; selectgo's pass 3 clears it",
            "qcount" or "sendx" or "recvx" or "buf" => "chansend (buffered), chanrecv and recv (the full-buffer hand-off), selectgo's bufsend/bufrecv",
            "dataqsiz" => "makechan",
            "closed" => "closechan",
            "recvq" or "sendq" => "chansend/chanrecv/selectgo's pass 2 enqueue; waitq.dequeue (send, recv, closechan, pass 1) and pass 3's dequeueSudoG remove",
            "sched.sp" => "mcall, systemstack and morestack save it; gogo clears it after loading it; newproc1 sets a new g's",
            "sched.bp" => "mcall, systemstack and morestack save it; gogo clears it after loading it",
            "sched.pc" => "mcall and morestack save the resume pc, systemstack saves systemstack_switch, gostartcallfn sets the entry",
            "sched.g" => "newproc1 sets it once (invariant B1)",
            "sched.ctxt" => "gostartcallfn sets it, gogo clears it after loading it",
            "sched.ret" => "gogo clears it, newproc1 zeroes the gobuf",
            "sched.lr" => "newproc1 zeroes it; unused on amd64",
            "status" or "m" when key.StartsWith('p') => "acquirep, releasep, entersyscall, exitsyscallfast, retake",
            "runq" when key.StartsWith("sched") => "globrunqput, globrunqget, runqputslow",
            "runqhead" or "runqtail" or "runq" or "runnext" => "runqput, runqget, runqputslow, runqsteal",
            "schedtick" => "execute increments it unless it inherits the time slice",
            "gFree" => "gfput, gfget",
            "goidcache" => "newproc1 refills it from sched.goidgen in blocks of 16",
            "npidle" => "pidleput, pidleget",
            "nmspinning" => "wakep, resetspinning, findRunnable",
            "nmidle" => "mput, mget (stopm, startm)",
            "count" or "waiters" => "semacquire, semrelease",
            "curg" => "execute sets m.curg, dropg clears it",
            "p" => "acquirep, releasep",
            "spinning" => "wakep/startm set it, resetspinning clears it",
            _ => "see go-runtime-reference.md",
        };
    }
}
