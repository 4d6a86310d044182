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
/// state the step rules (<see cref="StepRules"/>) say which enabled actions produce the runtime's next events: a
/// model step belongs to one M, so its events are compared, in order and field by field (<see cref="StepMatcher"/>),
/// with the next unconsumed events (<see cref="TraceCursor"/>) of the runtime M playing that model M
/// (<see cref="MBinding"/>). The runtime's trace thus resolves the model's choices: which M moves, which victim a
/// thief picks, whether sysmon retakes a P. Where more than one step fits, the first in the rules' order is taken and
/// the others are kept by a bounded search (<see cref="BoundedSearch"/>), which comes back to them when a later event
/// shows the choice wrong. With one P exactly one action is enabled at a time (two while a syscall may be retaken),
/// the model predicts the whole trace, and the check is event-for-event equality.
/// After every step the model's named invariants must hold (and an <see cref="IStepObserver"/>, if given, must
/// agree); at the end the outcome (who finished, who is blocked, deadlock or not) must agree. When no choice within
/// the bounds explains the trace, the verdict is the violation of the alternative that explained the most events
/// (<see cref="ViolationBuilder"/>).
/// </summary>
public sealed class RefinementChecker
{
    /// <summary>How many silent steps (steps with no events) may follow each other, and how many teardown steps may
    /// follow the trace's end, before the checker gives up.</summary>
    public const int MaxSilentSteps = 10_000;

    private readonly SchedModel _model;
    private readonly IModel<SchedState, SchedAction> _imodel;
    private readonly IReadOnlyList<string> _semaphores;

    /// <param name="workload">The workload both sides ran.</param>
    /// <param name="config">The model's configuration, matching how the runtime ran.</param>
    public RefinementChecker(Workload workload, SchedConfig config)
    {
        _model = new SchedModel(workload, config);
        _imodel = _model;
        _semaphores = workload.Semaphores();
    }

    public SchedModel SchedModel => _model;

    /// <summary>How far the search may go back (<see cref="SearchBounds.Default"/> unless set).</summary>
    public SearchBounds Bounds { get; init; } = SearchBounds.Default;

    /// <summary>The verdict of one check.</summary>
    /// <param name="EventsChecked">Runtime events matched against the model before the end or the violation.</param>
    /// <param name="Violation">The violation (of the alternative that got furthest), or null.</param>
    /// <param name="ModelOutcome">How the model's run ended (or where it stopped).</param>
    /// <param name="Steps">The model actions taken, in order.</param>
    /// <param name="FinalState">The model's state where the check stopped.</param>
    public sealed record Verdict(int EventsChecked, Violation? Violation, Outcome ModelOutcome, IReadOnlyList<SchedAction> Steps, SchedState FinalState)
    {
        /// <summary>How often the search went back to an earlier choice.</summary>
        public int Backtracks { get; init; }
    }

    /// <summary>
    /// Checks <paramref name="trace"/> (merged by sequence number) against the model, mapping raw values through
    /// <paramref name="abs"/>, and the run's outcome against the model's (<paramref name="runtimeOutcome"/>; null to
    /// skip). <paramref name="observer"/>, if given, judges the model's state after every step.
    /// </summary>
    public Verdict Check(IReadOnlyList<TraceEvent> trace, Abstraction abs, Outcome? runtimeOutcome, IStepObserver? observer = null)
    {
        var matcher = new StepMatcher(trace, abs);
        var report = new ViolationBuilder(trace, matcher, _model.Config.Procs, _semaphores);
        var outOfOrder = TraceCursor.FirstOutOfOrder(trace);
        if (outOfOrder >= 0)
            return new Verdict(0, report.OutOfOrder(outOfOrder), OutcomeOf(_model.Initial(), []), [], _model.Initial());

        var at = new CheckPosition(_model.Initial(), new TraceCursor(trace));
        var rules = new StepRules(_model, matcher);
        var search = new BoundedSearch(Bounds, _imodel);
        var enabled = new List<SchedAction>();
        var alternatives = new List<Candidate>();
        Func<int, int?> runtimeMOf = mm => at.Binding.RuntimeOf(mm) is var s and >= 0 ? at.Cursor.RuntimeM(s) : null;
        Verdict? deepest = null;
        while (true)
        {
            enabled.Clear();
            _model.Actions(at.State, enabled);
            var closest = enabled.Count == 0 ? null : rules.Alternatives(at, enabled, alternatives);
            Violation? failure;
            if (enabled.Count == 0 || (alternatives.Count == 0 && at.Cursor.FirstUnconsumed() < 0))
            {
                // The model's run has ended, or the runtime's trace has and the model can do nothing more.
                failure = AtEnd(at, runtimeOutcome, report, matcher, out var outcome);
                if (failure is null) return new Verdict(at.Cursor.Consumed, null, outcome, at.Steps, at.State) { Backtracks = search.Backtracks };
            }
            else if (alternatives.Count == 0)
            {
                failure = report.NoRefinement(at.Cursor.FirstUnconsumed(), closest, at.State, enabled);
            }
            else
            {
                search.Remember(at, alternatives);
                failure = Take(at, alternatives[0], report, observer, runtimeMOf);
            }

            // A failure: keep it if it got furthest, and go back to the latest choice with an untried alternative.
            while (failure is not null)
            {
                if (deepest is null || at.Cursor.Consumed > deepest.EventsChecked)
                    deepest = new Verdict(at.Cursor.Consumed, failure, OutcomeOf(at.State, at.Finished()), [.. at.Steps], at.State);
                if (!search.TryBacktrack(at, out var alternative)) return deepest with { Backtracks = search.Backtracks };
                rules.Redo(alternative, at);
                failure = Take(at, alternative, report, observer, runtimeMOf);
            }
        }
    }

    /// <summary>Takes a step; its violation, if the invariants or the observer object to the state after it.</summary>
    private Violation? Take(CheckPosition at, Candidate step, ViolationBuilder report, IStepObserver? observer, Func<int, int?> runtimeMOf)
    {
        at.Take(step);
        var last = step.Match.Fits ? at.Cursor.LastConsumed(step.Slot) : -1;
        var failing = _imodel.FailingAlways(at.State);
        if (failing != 0)
        {
            var names = _model.Invariants.Where((_, i) => (failing & (1UL << i)) != 0).Select(p => p.Name).ToList();
            var first = at.Cursor.FirstUnconsumed();
            var index = last >= 0 ? last : Math.Max(0, (first < 0 ? at.Cursor.Trace.Count : first) - 1);
            return report.InvariantBroken(step.Action, index, at.State, names);
        }
        if (observer is null) return null;
        var left = at.Cursor.FirstUnconsumed();
        var consumed = at.Cursor.Consumed;
        var prefix = left == consumed || (left < 0 && consumed == at.Cursor.Trace.Count) ? consumed : -1;
        return observer.AfterStep(new StepObservation(step.Action, at.State, last, last >= 0 ? at.Cursor.RuntimeM(step.Slot) : -1,
            step.Events, prefix, runtimeMOf, at.Cursor.Trace));
    }

    /// <summary>At the end of the model's run or of the trace: nothing may be left of the trace, and the outcomes must
    /// agree.</summary>
    private Violation? AtEnd(CheckPosition at, Outcome? runtimeOutcome, ViolationBuilder report, StepMatcher matcher, out Outcome modelOutcome)
    {
        modelOutcome = OutcomeOf(at.State, at.Finished());
        var left = at.Cursor.FirstUnconsumed();
        if (left >= 0 && !CutShortByFatal(at, modelOutcome, runtimeOutcome, matcher)) return report.AfterModelEnd(left, at.State);
        if (runtimeOutcome is not null && !modelOutcome.AgreesWith(runtimeOutcome))
            return report.OutcomeMismatch(modelOutcome, runtimeOutcome, at.State);
        return null;
    }

    /// <summary>
    /// A fatal error (a throw or a panic) ends the runtime's run wherever its other Ms stand: in a controlled run an M
    /// that had begun a step and passed the baton at one of its scheduling points has recorded only that step's first
    /// events. When both runs ended in the same fatal outcome, those leftovers are accepted if, M by M, they are the
    /// beginning of a step the model offers that M beside the fatal one (every event matched, in order, until the M's
    /// events ran out). Anything else left over is still a violation.
    /// </summary>
    private bool CutShortByFatal(CheckPosition at, Outcome model, Outcome? runtime, StepMatcher matcher)
    {
        if (runtime is null || model.Kind != OutcomeKind.Fatal || !model.AgreesWith(runtime)) return false;
        var resumed = _model.AsIfRunning(at.State);
        var actions = _model.Actions(resumed);
        for (var slot = 0; slot < at.Cursor.Ms; slot++)
        {
            var pending = at.Cursor.Pending(slot);
            if (pending.Length == 0) continue;
            var bound = at.Binding.ModelOf(slot);
            var begun = false;
            foreach (var a in actions)
            {
                if (a.IsSysmon) continue;
                if (bound >= 0 ? a.Id != bound : at.Binding.RuntimeOf(a.Id) >= 0) continue;
                var (_, events) = _model.Step(resumed, a);
                var match = matcher.Match(events, pending);
                if (match.RanOut && match.Matched == pending.Length) { begun = true; break; }
            }
            if (!begun) return false;
        }
        return true;
    }

    /// <summary>The model's outcome in the shared terms: deadlock is Go's checkdead throw; blocked gs are the waiting ones.</summary>
    public Outcome OutcomeOf(SchedState s, IEnumerable<long> finished)
    {
        var blocked = ImmutableSortedDictionary.CreateBuilder<long, string>();
        foreach (var g in s.AllGs)
        {
            if (g.Status == GStatus.Waiting && g.WaitSema > 0)
                blocked[g.Goid] = g.WaitSema - 1 < _semaphores.Count ? _semaphores[g.WaitSema - 1] : $"sema {g.WaitSema - 1}";
            else if (s.BlockedOn(g) is { } on)
                blocked[g.Goid] = on;
        }
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
            ModelOutcome.Fatal when s.Fatal.IsPanic() => s.FatalText,
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
