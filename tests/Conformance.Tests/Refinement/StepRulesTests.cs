using Conformance.Refinement;
using Implementation.Trace;
using Model;

namespace Conformance.Tests.Refinement;

/// <summary>The step rules, one by one (<see cref="StepRules"/>).</summary>
public class StepRulesTests
{
    private static TraceEvent Ev(ulong seq, int m) => new() { Seq = seq, M = (short)m, Kind = EventKind.GoSched };

    private static Candidate Fitting(SchedAction a, int slot, int position, int events, int at) =>
        new(a, slot, position) { Events = [.. Enumerable.Repeat(new SchedEvent(EventKind.GoSched, a.Id, 0, 1), events)], Match = new StepMatch(true, events, null, at) };

    [Fact]
    public void A_bound_M_steps_on_its_runtime_M_an_unbound_one_on_any_free_one_and_a_retake_on_any()
    {
        var cursor = new TraceCursor([Ev(1, 10), Ev(2, 11), Ev(3, 12)]);
        var binding = new MBinding(cursor.Ms);
        binding.Bind(0, 1);
        var list = new List<Candidate>();

        StepRules.Place(new SchedAction(SchedActionKind.Run, 0), cursor, binding, list);
        Assert.Equal([1], list.Select(c => c.Slot));
        Assert.Equal([1], list.Select(c => c.Position));

        list.Clear();
        StepRules.Place(new SchedAction(SchedActionKind.Schedule, 3), cursor, binding, list);
        Assert.Equal([0, 2], list.Select(c => c.Slot));

        list.Clear();
        StepRules.Place(new SchedAction(SchedActionKind.Retake, 1), cursor, binding, list);
        Assert.Equal([0, 1, 2], list.Select(c => c.Slot));

        list.Clear();
        binding.Bind(3, 0);
        binding.Bind(4, 2);
        StepRules.Place(new SchedAction(SchedActionKind.Schedule, 5), cursor, binding, list);
        Assert.Equal([Candidate.NoSlot], list.Select(c => c.Slot));
    }

    [Fact]
    public void Fitting_steps_are_tried_in_the_order_of_their_linearization_points()
    {
        var late = Fitting(new SchedAction(SchedActionKind.Run, 0), 0, 0, 3, at: 9);
        var early = Fitting(new SchedAction(SchedActionKind.Run, 1), 1, 1, 2, at: 4);
        var list = new List<Candidate> { late, early };
        StepRules.Order(list);
        Assert.Equal([early, late], list);
    }

    [Fact]
    public void Of_two_steps_from_the_same_event_of_the_same_M_the_one_that_explains_more_comes_first()
    {
        // sysmon's retake (one PStatus event) and exitsyscall reacquiring its own P (that event and more) start alike;
        // the retake's linearization point is earlier, but the longer step explains more from the same point.
        var retake = Fitting(new SchedAction(SchedActionKind.Retake, 0), 0, 5, 1, at: 5);
        var exit = Fitting(new SchedAction(SchedActionKind.ExitSyscall, 0), 0, 5, 4, at: 8);
        var other = Fitting(new SchedAction(SchedActionKind.Run, 1), 1, 6, 2, at: 7);
        var list = new List<Candidate> { retake, other, exit };
        StepRules.Order(list);
        Assert.Equal([other, exit, retake], list);
    }

    [Fact]
    public void Only_events_that_release_Ps_make_a_teardown_step()
    {
        var release = new SchedEvent(EventKind.PStatus, 0, 1, 0, (long)PStatus.Running, (long)PStatus.Idle);
        Assert.True(StepRules.IsTeardown([release, release with { P = 2 }]));
        Assert.False(StepRules.IsTeardown([]));
        Assert.False(StepRules.IsTeardown([release, release with { B = (long)PStatus.Running }]));
        Assert.False(StepRules.IsTeardown([new SchedEvent(EventKind.GoSched, 0, 0, 1)]));
    }

    [Fact]
    public void A_silent_step_counts_only_when_it_changes_the_state()
    {
        var model = new SchedModel(Corpus.Get("example"), new SchedConfig { Procs = 1 });
        var s = model.Initial();
        var (next, _) = model.Step(s, model.Actions(s)[0]);
        var a = new SchedAction(SchedActionKind.Schedule, 0);
        Assert.True(StepRules.IsUsefulSilentStep(new Candidate(a, 0, 0) { Next = next }, s));
        Assert.False(StepRules.IsUsefulSilentStep(new Candidate(a, 0, 0) { Next = s.Clone() }, s));
        Assert.False(StepRules.IsUsefulSilentStep(new Candidate(a, 0, 0) { Next = next, Events = [new SchedEvent(EventKind.GoSched, 0, 0, 1)] }, s));
    }

    [Fact]
    public void When_a_step_fits_no_silent_or_teardown_step_is_offered_and_the_fitting_ones_come_in_order()
    {
        var w = Corpus.Get("example");
        var model = new SchedModel(w, new SchedConfig { Procs = 1 });
        var trace = ModelTraces.OneP(w);
        var at = new CheckPosition(model.Initial(), new TraceCursor(trace));
        var rules = new StepRules(model, new StepMatcher(trace, Abstraction.Identity));
        var alternatives = new List<Candidate>();
        var closest = rules.Alternatives(at, model.Actions(at.State), alternatives);
        Assert.Null(closest);
        var only = Assert.Single(alternatives);
        Assert.True(only.Match.Fits);
        Assert.Equal(new SchedAction(SchedActionKind.Run, 0), only.Action);
    }
}
