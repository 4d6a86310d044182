using System.Collections.Immutable;
using System.Diagnostics;
using Implementation.Trace;
using Model;
using Model.Checking;
using Model.Workload;
using ModelOutcome = Model.Outcome;

namespace Conformance.Refinement;

/// <summary>
/// Refinement checking (ARCHITECTURE.md): walks the runtime's merged trace and the model side by side. In each model
/// state it asks which enabled action produces the runtime's next events: a model step belongs to one M, so its
/// events are compared, in order and field by field (<see cref="EventMatcher"/>), with the next unconsumed events
/// that the runtime M playing that model M recorded. Candidates are tried in the order in which the runtime started
/// them (the earliest next event first), so the runtime's trace resolves the model's choices: which M moves, which
/// victim a thief picks, whether sysmon retakes a P. Each runtime queue's events carry its head and tail, and they
/// must equal the model's, so each queue's operations are ordered by their indices. With one P exactly one action is
/// enabled at a time, the model predicts the whole trace, and the check is event-for-event equality.
/// The first runtime event no enabled action produces is the violation. After every step the model's named
/// invariants must hold, and at the end the outcome (who finished, who is blocked, deadlock or not) must agree.
/// </summary>
public sealed class RefinementChecker
{
    /// <summary>How many silent steps (steps with no events) may follow each other before the checker gives up.</summary>
    public const int MaxSilentSteps = 10_000;

    private readonly SchedModel _model;
    private readonly IModel<SchedState, SchedAction> _imodel;
    private readonly IReadOnlyList<string> _semaphores;
    private readonly bool _strict;

    /// <param name="workload">The workload both sides ran.</param>
    /// <param name="config">The model's configuration, matching how the runtime ran.</param>
    /// <param name="strict">Waive no <see cref="KnownDifference"/>.</param>
    public RefinementChecker(Workload workload, SchedConfig config, bool strict = false)
    {
        _strict = strict;
        _model = new SchedModel(workload, config);
        _imodel = _model;
        _semaphores = workload.Semaphores();
    }

    public SchedModel SchedModel => _model;

    /// <summary>The verdict of one check.</summary>
    /// <param name="EventsChecked">Runtime events matched against the model before the end or the violation.</param>
    /// <param name="Violation">The first violation, or null.</param>
    /// <param name="ModelOutcome">How the model's run ended (or where it stopped).</param>
    /// <param name="Steps">The model actions taken, in order.</param>
    /// <param name="FinalState">The model's state where the check stopped.</param>
    public sealed record Verdict(int EventsChecked, Violation? Violation, Outcome ModelOutcome, IReadOnlyList<SchedAction> Steps, SchedState FinalState)
    {
        /// <summary>How often each <see cref="KnownDifference"/> was waived (by id).</summary>
        public IReadOnlyDictionary<string, int> Waived { get; init; } = new Dictionary<string, int>();
    }

    private sealed class Candidate
    {
        public SchedAction Action;
        public int RuntimeM;
        public int Position;
        public SchedState? Next;
        public IReadOnlyList<SchedEvent>? Events;
    }

    /// <summary>
    /// Checks <paramref name="trace"/> (merged by sequence number) against the model, mapping raw values through
    /// <paramref name="abs"/>, and the run's outcome against the model's (<paramref name="runtimeOutcome"/>; null to skip).
    /// </summary>
    public Verdict Check(IReadOnlyList<TraceEvent> trace, Abstraction abs, Outcome? runtimeOutcome, StateRefinement? stateCheck = null)
    {
        var procs = _model.Config.Procs;
        var oneP = procs == 1;
        var finished = new SortedSet<long>();
        var waived = new Dictionary<string, int>();

        // Per runtime M: the indices of its events, in trace order, and a cursor to the first unconsumed one.
        var byM = new Dictionary<int, List<int>>();
        for (var i = 0; i < trace.Count; i++)
        {
            if (i > 0 && trace[i].Seq <= trace[i - 1].Seq)
                return Fail(new Violation(ViolationKind.RuntimeFault, $"event {i} has sequence number {trace[i].Seq}, not after {trace[i - 1].Seq}: the merged trace is out of order",
                    i, trace[i], null, null, null), 0, _model.Initial(), []);
            if (!byM.TryGetValue(trace[i].M, out var list)) byM[trace[i].M] = list = [];
            list.Add(i);
        }
        var cursor = byM.Keys.ToDictionary(k => k, _ => 0);
        var modelToRuntime = new Dictionary<int, int>();
        var runtimeToModel = new Dictionary<int, int>();
        var observedUpTo = -1;
        void ObserveUpTo(int index)
        {
            while (observedUpTo < index) abs.Observe(trace[++observedUpTo]);
        }

        var state = _model.Initial();
        var steps = new List<SchedAction>();
        var enabled = new List<SchedAction>();
        var candidates = new List<Candidate>();
        var consumed = 0;
        var silentRun = 0;
        var teardown = 0;
        var stepWaived = _strict ? null : new Dictionary<string, int>();

        // Boot: the runtime's M0 acquires P0 before anything else (schedinit's procresize + acquirep); the model's
        // initial state already has P0 running on M0, so that event is the initial state itself.
        if (trace.Count > 0 && trace[0] is { Kind: EventKind.PStatus, P: 0, A: (long)PStatus.Idle, B: (long)PStatus.Running }
            && !ModelBootsP0(state))
        {
            cursor[trace[0].M]++;
            consumed++;
            modelToRuntime[0] = trace[0].M;
            runtimeToModel[trace[0].M] = 0;
            ObserveUpTo(0);
        }

        while (true)
        {
            enabled.Clear();
            _model.Actions(state, enabled);
            if (enabled.Count == 0) break;

            // Where each enabled action would start in the runtime trace.
            candidates.Clear();
            foreach (var a in enabled)
            {
                var mm = a.Kind == SchedActionKind.Retake ? -1 : a.Id;
                if (mm == -1)
                {
                    // sysmon's retake: the controlled runtime has no sysmon thread and does the retake on the M
                    // whose syscall returns, so any M's next events may be it.
                    foreach (var (r, _) in byM)
                        if (Next(r) != int.MaxValue) candidates.Add(new Candidate { Action = a, RuntimeM = r, Position = Next(r) });
                    continue;
                }
                if (modelToRuntime.TryGetValue(mm, out var rm))
                {
                    candidates.Add(new Candidate { Action = a, RuntimeM = rm, Position = Next(rm) });
                }
                else
                {
                    var any = false;
                    foreach (var (r, _) in byM)
                    {
                        if (runtimeToModel.ContainsKey(r) || (mm == -1) != (r == -1)) continue;
                        candidates.Add(new Candidate { Action = a, RuntimeM = r, Position = Next(r) });
                        any = true;
                    }
                    if (!any) candidates.Add(new Candidate { Action = a, RuntimeM = int.MinValue, Position = int.MaxValue });
                }
            }
            candidates.Sort((x, y) => x.Position.CompareTo(y.Position));

            Candidate? taken = null;
            var takenEnd = int.MaxValue;
            Dictionary<string, int>? takenWaived = null;
            Candidate? silent = null;
            stepWaived?.Clear();
            (Candidate C, int Matched, string Why, int At)? best = null;
            foreach (var c in candidates)
            {
                if (c.Events is null)
                {
                    var same = candidates.FirstOrDefault(o => o.Events is not null && o.Action == c.Action);
                    if (same is not null) { c.Next = same.Next; c.Events = same.Events; }
                    else (c.Next, c.Events) = _model.Step(state, c.Action);
                }
                var events = c.Events!;
                if (events.Count == 0)
                {
                    // A step with no events is invisible in the trace: take one only when nothing else fits, and
                    // never one that changes nothing (an M looking for work and finding none).
                    if (silent is null && !c.Next!.SameAs(state)) silent = c;
                    continue;
                }
                if (c.RuntimeM == int.MinValue || !byM.TryGetValue(c.RuntimeM, out var mine))
                {
                    best ??= (c, 0, "the runtime recorded nothing more for this M", int.MaxValue);
                    continue;
                }
                var (ok, matched, why, at) = MatchStep(events, trace, mine, cursor[c.RuntimeM], abs, ObserveUpTo, stepWaived);
                if (ok)
                {
                    // Several steps may fit (Ms that ran side by side): take the one whose linearization point (its
                    // first queue operation, see MatchStep) came first in the runtime.
                    // Two steps that fit from the same event of the same M: the longer one explains more of the trace
                    // (exitsyscall reacquiring its own P begins with the same PStatus Psyscall -> Pidle as sysmon's
                    // retake, and the retake alone would leave the reacquisition unexplained).
                    var sameStart = taken is not null && taken.RuntimeM == c.RuntimeM && taken.Position == c.Position;
                    if (taken is null
                        || (sameStart && events.Count > taken!.Events!.Count)
                        || (!sameStart && at < takenEnd))
                    {
                        taken = c;
                        takenEnd = at;
                        takenWaived = stepWaived is null || stepWaived.Count == 0 ? null : new Dictionary<string, int>(stepWaived);
                    }
                    stepWaived?.Clear();
                    continue;
                }
                stepWaived?.Clear();
                if (best is null || matched > best.Value.Matched || (matched == best.Value.Matched && at < best.Value.At))
                    best = (c, matched, why!, at);
            }

            if (takenWaived is not null)
                foreach (var (id, n) in takenWaived) waived[id] = waived.GetValueOrDefault(id) + n;

            if (taken is null && silent is not null && silentRun < MaxSilentSteps)
            {
                taken = silent;
                silentRun++;
            }
            else if (taken is not null)
            {
                silentRun = 0;
            }

            if (taken is null && FirstUnconsumed() < 0 && teardown < MaxSilentSteps)
            {
                // The runtime stops recording when the run ends; the model's Ms still give their Ps back. Steps that
                // only release Ps (PStatus → _Pidle) after the last runtime event are that teardown.
                taken = candidates.FirstOrDefault(c => c.Events!.Count > 0 && c.Events.All(e => e.Kind == EventKind.PStatus && e.B == (long)PStatus.Idle));
                if (taken is not null)
                {
                    teardown++;
                    steps.Add(taken.Action);
                    state = taken.Next!;
                    continue;
                }
            }

            if (taken is null)
            {
                // Nothing the model may do next produces what the runtime did.
                var first = FirstUnconsumed();
                if (first < 0) break; // the runtime's trace is over; the outcome check says whether the model agrees
                var v = NoRefinement(trace, first, best, state, abs, oneP, enabled);
                return Fail(v, consumed, state, steps);
            }

            // Take the step: consume its events, learn the M mapping, check the invariants.
            var takenEvents = taken.Events!;
            if (takenEvents.Count > 0)
            {
                if (taken.Action.Kind != SchedActionKind.Retake)
                {
                    modelToRuntime[taken.Action.Id] = taken.RuntimeM;
                    runtimeToModel[taken.RuntimeM] = taken.Action.Id;
                }
                cursor[taken.RuntimeM] += takenEvents.Count;
                consumed += takenEvents.Count;
                foreach (var e in takenEvents)
                    if (e.Kind == EventKind.GoEnd) finished.Add(e.G);
            }
            steps.Add(taken.Action);
            state = taken.Next!;
            var failing = _imodel.FailingAlways(state);
            if (failing != 0)
            {
                var names = _model.Invariants.Where((p, i) => (failing & (1UL << i)) != 0).Select(p => p.Name).ToList();
                var lastIdx = takenEvents.Count > 0 ? byM[taken.RuntimeM][cursor[taken.RuntimeM] - 1] : Math.Max(0, FirstUnconsumed() - 1);
                var ev = trace.Count > 0 ? trace[Math.Min(lastIdx, trace.Count - 1)] : (TraceEvent?)null;
                ObserveUpTo(Math.Min(lastIdx, trace.Count - 1));
                return Fail(new Violation(ViolationKind.InvariantBroken,
                    $"after {taken.Action} (runtime event {lastIdx}) the model's invariant \"{string.Join("\", \"", names)}\" does not hold",
                    lastIdx, ev, null, StateViews.Model(state, _semaphores), StateViews.Observed(trace, lastIdx, abs, procs, _semaphores), names[0]),
                    consumed, state, steps);
            }
            // State at rest: when the checker has consumed exactly a prefix of the trace, the runtime's snapshot taken
            // after that prefix must equal the model's state (StateRefinement).
            if (stateCheck is not null && takenEvents.Count > 0)
            {
                var firstLeft = FirstUnconsumed();
                if (firstLeft == consumed || (firstLeft < 0 && consumed == trace.Count))
                {
                    var v = stateCheck.Compare(state, consumed, mm => modelToRuntime.TryGetValue(mm, out var r) ? r : null, trace);
                    if (v is not null) return Fail(v, consumed, state, steps);
                }
            }
        }

        // The model has ended (or can do nothing the runtime did). Whatever the runtime did after that does not refine.
        var left = FirstUnconsumed();
        if (left >= 0)
        {
            ObserveUpTo(left);
            var v = new Violation(oneP ? ViolationKind.TraceMismatch : ViolationKind.NotEnabled,
                $"event {left} ({TraceFormat.Describe(trace[left])}): the model's run has ended ({ModelEnd(state)}), but the runtime went on",
                left, trace[left], "nothing: no action is enabled", StateViews.Model(state, _semaphores),
                StateViews.Observed(trace, left, abs, procs, _semaphores));
            return Fail(v, consumed, state, steps);
        }

        var modelOutcome = OutcomeOf(state, finished);
        if (runtimeOutcome is not null && !modelOutcome.AgreesWith(runtimeOutcome))
        {
            ObserveUpTo(trace.Count - 1);
            var v = new Violation(ViolationKind.OutcomeMismatch,
                $"the runs ended differently: {Refinement.Outcome.Differences(modelOutcome, runtimeOutcome)}",
                -1, null, modelOutcome.ToString(), StateViews.Model(state, _semaphores),
                StateViews.Observed(trace, trace.Count - 1, abs, procs, _semaphores));
            return new Verdict(consumed, v, modelOutcome, steps, state) { Waived = waived };
        }
        return new Verdict(consumed, null, modelOutcome, steps, state) { Waived = waived };

        int Next(int runtimeM) => byM.TryGetValue(runtimeM, out var l) && cursor[runtimeM] < l.Count ? l[cursor[runtimeM]] : int.MaxValue;

        int FirstUnconsumed()
        {
            var min = int.MaxValue;
            foreach (var (r, l) in byM)
                if (cursor[r] < l.Count && l[cursor[r]] < min) min = l[cursor[r]];
            return min == int.MaxValue ? -1 : min;
        }

        Verdict Fail(Violation v, int checkedEvents, SchedState s, IReadOnlyList<SchedAction> taken) =>
            new(checkedEvents, v, OutcomeOf(s, finished), taken, s) { Waived = waived };
    }

    /// <summary>Whether the model's first step itself acquires P0 (then the runtime's boot event is matched as usual).</summary>
    private bool ModelBootsP0(SchedState initial)
    {
        var first = _model.Actions(initial);
        if (first.Count == 0) return false;
        var (_, events) = _model.Step(initial, first[0]);
        return events.Count > 0 && events[0].Kind == EventKind.PStatus;
    }

    /// <summary>
    /// Compares a model step's events with the next events the runtime M recorded: state events one by one in order,
    /// the tracer's annotations as a set (<see cref="EventKinds.IsState"/>). Returns how many runtime events
    /// matched before the first difference, what differed, and the trace index of the offending event.
    /// </summary>
    private static (bool Ok, int Matched, string? Why, int At) MatchStep(IReadOnlyList<SchedEvent> events, IReadOnlyList<TraceEvent> trace,
        List<int> mine, int start, Abstraction abs, Action<int> observe, Dictionary<string, int>? waived)
    {
        var entersSyscall = false;
        foreach (var e in events)
            if (e.Kind == EventKind.Status && e.C == Transitions.EnterSyscall) entersSyscall = true;
        Span<bool> used = events.Count <= 64 ? stackalloc bool[events.Count] : new bool[events.Count];
        var nextState = 0;
        for (var j = 0; j < events.Count; j++)
        {
            if (start + j >= mine.Count)
            {
                var missing = FirstUnused(events, used, nextState);
                return (false, j, $"the model's step goes on with {EventMatcher.Describe(events[missing])}, but this M recorded nothing more", int.MaxValue);
            }
            var idx = mine[start + j];
            observe(idx);
            var r = trace[idx];
            if (EventKinds.IsState(r.Kind))
            {
                while (nextState < events.Count && !EventKinds.IsState(events[nextState].Kind)) nextState++;
                if (nextState >= events.Count)
                    return (false, j, $"the model's step has no further state change, the runtime did {TraceFormat.Describe(r)}", idx);
                var why = EventMatcher.Compare(events[nextState], r, abs, waived, entersSyscall);
                if (why is not null) return (false, j, why, idx);
                used[nextState++] = true;
            }
            else
            {
                var found = -1;
                string? closest = null;
                for (var k = 0; k < events.Count; k++)
                {
                    if (used[k] || EventKinds.IsState(events[k].Kind)) continue;
                    var why = EventMatcher.Compare(events[k], r, abs, waived, entersSyscall);
                    if (why is null) { found = k; break; }
                    if (events[k].Kind == r.Kind) closest ??= why;
                }
                if (found < 0)
                    return (false, j, closest ?? $"the model's step has no {r.Kind} here (it does {string.Join(", ", events.Select(e => e.Kind))})", idx);
                used[found] = true;
            }
        }
        // The step's linearization point: its first queue operation (each queue's operations are ordered by their
        // indices, so the runtime's order of queue events is the order the model must take the steps in); a step
        // without one takes effect at its last event.
        for (var j = 0; j < events.Count; j++)
            if (IsQueueEvent(trace[mine[start + j]].Kind)) return (true, events.Count, null, mine[start + j]);
        return (true, events.Count, null, mine[start + events.Count - 1]);

        static int FirstUnused(IReadOnlyList<SchedEvent> events, Span<bool> used, int from)
        {
            for (var k = 0; k < events.Count; k++) if (!used[k]) return k;
            return Math.Min(from, events.Count - 1);
        }
    }

    private static bool IsQueueEvent(EventKind k) => k is EventKind.RunqPut or EventKind.RunnextPut or EventKind.RunqGet
        or EventKind.RunqPutSlow or EventKind.RunqSteal or EventKind.GlobRunqPut or EventKind.GlobRunqGet
        or EventKind.GfPut or EventKind.GfGet or EventKind.SemCount;

    private Violation NoRefinement(IReadOnlyList<TraceEvent> trace, int first, (Candidate C, int Matched, string Why, int At)? best,
        SchedState state, Abstraction abs, bool oneP, List<SchedAction> enabled)
    {
        var procs = _model.Config.Procs;
        // The offending event: where the closest candidate diverged, or else the earliest event nobody explains.
        var index = best is { At: < int.MaxValue } b ? b.At : first;
        var e = trace[index];
        var modelState = best?.C.Next is { } after ? after : state;
        string expected;
        if (best is { } bb && bb.Matched < bb.C.Events!.Count)
            expected = $"{bb.C.Action}: {EventMatcher.Describe(bb.C.Events[bb.Matched])}";
        else
            expected = "one of " + string.Join(", ", enabled);

        ViolationKind kind;
        string message;
        if (e.Kind == EventKind.Status && !Transitions.IsLegal((GStatus)e.A, (GStatus)e.B))
        {
            kind = ViolationKind.InvariantBroken;
            message = $"event {index} ({TraceFormat.Describe(e)}): {TraceFormat.GStatusName(e.A)} -> {TraceFormat.GStatusName(e.B)} is not an edge of the transition table (casgstatus: bad incoming values)";
            return new Violation(kind, message, index, e, expected, StateViews.Model(modelState, _semaphores),
                StateViews.Observed(trace, index, abs, procs, _semaphores), "every status change is a legal edge (Transitions.cs)");
        }
        if (best is { } c && c.Matched > 0 && c.At < int.MaxValue && c.C.Events![c.Matched].Kind == e.Kind)
        {
            kind = oneP ? ViolationKind.TraceMismatch : ViolationKind.StateMismatch;
            message = $"event {index} ({TraceFormat.Describe(e)}): {c.Why}";
        }
        else if (oneP)
        {
            kind = ViolationKind.TraceMismatch;
            message = $"event {index} ({TraceFormat.Describe(e)}) is not the model's next event: {best?.Why ?? "the model has nothing to do"}";
        }
        else
        {
            kind = ViolationKind.NotEnabled;
            message = $"event {index} ({TraceFormat.Describe(e)}): no enabled model action produces it; closest: {best?.Why ?? "none"}";
        }
        return new Violation(kind, message, index, e, expected, StateViews.Model(modelState, _semaphores),
            StateViews.Observed(trace, index, abs, procs, _semaphores));
    }

    private static string ModelEnd(SchedState s) => s.Outcome switch
    {
        ModelOutcome.Completed => "completed",
        ModelOutcome.Fatal => $"fatal error: {s.Fatal.Message()}",
        _ => "no enabled action",
    };

    /// <summary>The model's outcome in the shared terms: deadlock is Go's checkdead throw; blocked gs are the waiting ones.</summary>
    public Outcome OutcomeOf(SchedState s, IEnumerable<long> finished)
    {
        var blocked = ImmutableSortedDictionary.CreateBuilder<long, string>();
        foreach (var g in s.AllGs)
            if (g.Status == GStatus.Waiting && g.WaitSema > 0)
                blocked[g.Goid] = g.WaitSema - 1 < _semaphores.Count ? _semaphores[g.WaitSema - 1] : $"sema {g.WaitSema - 1}";
        var kind = s.Outcome switch
        {
            ModelOutcome.Completed => OutcomeKind.Completed,
            ModelOutcome.Fatal when s.Fatal == Throw.Deadlock => OutcomeKind.Deadlock,
            ModelOutcome.Fatal => OutcomeKind.Fatal,
            _ => OutcomeKind.Incomplete,
        };
        var detail = s.Outcome switch
        {
            ModelOutcome.Running => "the model's run had not ended",
            ModelOutcome.Fatal => s.Fatal.Message(),
            _ => "",
        };
        if (kind == OutcomeKind.Completed) blocked.Clear();
        return new Outcome(kind, [.. finished], blocked.ToImmutable(), detail);
    }

    /// <summary>One P: the model's whole predicted trace (as trace events with abstract values), for tests and reports.</summary>
    public IReadOnlyList<TraceEvent> Predict()
    {
        var (_, _, events) = _model.RunToCompletion();
        var list = new List<TraceEvent>(events.Count);
        ulong seq = 0;
        foreach (var e in events) list.Add(EventMatcher.ToTrace(e, ++seq, e.M));
        Debug.Assert(list.Count == events.Count);
        return list;
    }
}
