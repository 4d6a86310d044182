using Conformance.Refinement;
using Implementation.Trace;
using Model;

namespace Conformance.Tests.Refinement;

/// <summary>The refinement checker's parts, each on its own: the trace cursor, the M binding, the step matcher and
/// the violation builder.</summary>
public class CheckerPartsTests
{
    private static TraceEvent Ev(ulong seq, int m, EventKind kind = EventKind.GoSched, long g = 1) =>
        new() { Seq = seq, M = (short)m, Kind = kind, G = g, P = 0 };

    [Fact]
    public void The_cursor_reads_each_runtime_M_in_trace_order_and_finds_the_first_unconsumed_event()
    {
        TraceEvent[] trace = [Ev(1, 5), Ev(2, 7), Ev(3, 5), Ev(4, 7), Ev(5, 7)];
        var c = new TraceCursor(trace);
        Assert.Equal(2, c.Ms);
        Assert.Equal(5, c.RuntimeM(0));
        Assert.Equal(7, c.RuntimeM(1));
        Assert.Equal([0, 2], c.Pending(0).ToArray());
        Assert.Equal(0, c.FirstUnconsumed());

        c.Consume(0, 1);
        Assert.Equal(1, c.FirstUnconsumed());
        Assert.Equal(2, c.Next(0));
        Assert.Equal(0, c.LastConsumed(0));
        Assert.True(c.IsConsumed(0));
        Assert.False(c.IsConsumed(2));

        var saved = c.Save();
        c.Consume(1, 3);
        c.Consume(0, 1);
        Assert.Equal(-1, c.FirstUnconsumed());
        Assert.Equal(int.MaxValue, c.Next(1));
        Assert.Equal(5, c.Consumed);

        c.Restore(saved);
        Assert.Equal(1, c.Consumed);
        Assert.Equal(1, c.FirstUnconsumed());
        Assert.Throws<ArgumentOutOfRangeException>(() => c.Consume(0, 2));
    }

    [Fact]
    public void A_trace_out_of_sequence_order_is_found_at_its_first_bad_event()
    {
        Assert.Equal(-1, TraceCursor.FirstOutOfOrder([Ev(1, 0), Ev(2, 0), Ev(9, 1)]));
        Assert.Equal(2, TraceCursor.FirstOutOfOrder([Ev(1, 0), Ev(3, 0), Ev(3, 1)]));
    }

    [Fact]
    public void The_binding_is_one_to_one_learned_once_and_undone_to_a_mark()
    {
        var b = new MBinding(3);
        Assert.Equal(-1, b.RuntimeOf(0));
        b.Bind(0, 2);
        var mark = b.Save();
        b.Bind(0, 2); // again: nothing to do
        b.Bind(4, 0);
        Assert.Equal(0, b.RuntimeOf(4));
        Assert.Equal(4, b.ModelOf(0));
        Assert.Throws<InvalidOperationException>(() => b.Bind(1, 2));
        Assert.Throws<InvalidOperationException>(() => b.Bind(0, 1));

        b.Restore(mark);
        Assert.Equal(-1, b.RuntimeOf(4));
        Assert.Equal(-1, b.ModelOf(0));
        Assert.Equal(2, b.RuntimeOf(0));
        Assert.Equal(0, b.ModelOf(2));
    }

    private static readonly SchedEvent Status = new(EventKind.Status, 0, 0, 1, (long)GStatus.Running, (long)GStatus.Runnable, 7);
    private static readonly SchedEvent Sched = new(EventKind.GoSched, 0, 0, 1);
    private static readonly SchedEvent Put = new(EventKind.GlobRunqPut, 0, 0, 1, 1);

    private static TraceEvent T(SchedEvent e, ulong seq, int m = 0) => EventMatcher.ToTrace(e, seq, m);

    [Fact]
    public void The_matcher_takes_state_events_in_order_and_annotations_anywhere_in_the_step()
    {
        // The runtime wrote GoSched before the status change it annotates: still the same step.
        TraceEvent[] trace = [T(Sched, 1), T(Status, 2), T(Put, 3)];
        var m = new StepMatcher(trace, Abstraction.Identity);
        var match = m.Match([Status, Sched, Put], [0, 1, 2]);
        Assert.True(match.Fits, match.Why);
        Assert.Equal(3, match.Matched);
        Assert.Equal(2, match.At); // the global queue put is the step's linearization point
    }

    [Fact]
    public void The_matcher_names_the_first_difference_and_where_it_is()
    {
        TraceEvent[] trace = [T(Status, 1), T(Put with { A = 2 }, 2)];
        var m = new StepMatcher(trace, Abstraction.Identity);
        var match = m.Match([Status, Put], [0, 1]);
        Assert.False(match.Fits);
        Assert.Equal(1, match.Matched);
        Assert.Equal(1, match.At);
        Assert.Contains("global size after: the model has 1, the runtime 2", match.Why);

        var shortM = m.Match([Status, Put], [0]);
        Assert.False(shortM.Fits);
        Assert.Equal(int.MaxValue, shortM.At);
        Assert.Contains("this M recorded nothing more", shortM.Why);

        var swapped = m.Match([Put, Status], [0, 1]);
        Assert.False(swapped.Fits);
        Assert.Equal(0, swapped.Matched);
    }

    [Fact]
    public void A_step_without_queue_operations_takes_effect_at_its_last_event()
    {
        TraceEvent[] trace = [T(Status, 1), T(Sched, 2), T(Put, 3)];
        Assert.Equal(1, StepMatcher.LinearizationPoint(trace, [0, 1]));
        Assert.Equal(2, StepMatcher.LinearizationPoint(trace, [0, 1, 2]));
        Assert.True(StepMatcher.IsQueueEvent(EventKind.RunqSteal));
        Assert.False(StepMatcher.IsQueueEvent(EventKind.PStatus));
    }

    [Fact]
    public void The_violation_builder_calls_an_unexplained_event_on_one_P_a_trace_mismatch_and_on_several_not_enabled()
    {
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w);
        var model = new SchedModel(w, new SchedConfig { Procs = 1 });
        var s = model.Initial();
        var enabled = model.Actions(s);
        foreach (var procs in new[] { 1, 2 })
        {
            var b = new ViolationBuilder(trace, new StepMatcher(trace, Abstraction.Identity), procs, w.Semaphores());
            var v = b.NoRefinement(3, null, s, enabled);
            Assert.Equal(procs == 1 ? ViolationKind.TraceMismatch : ViolationKind.NotEnabled, v.Kind);
            Assert.Equal(3, v.EventIndex);
            Assert.Equal(trace[3], v.Event);
            Assert.Contains("Run(m0)", v.Expected);
            Assert.NotNull(v.ModelState);
            Assert.NotNull(v.RuntimeState);
        }
        var broken = new ViolationBuilder(trace, new StepMatcher(trace, Abstraction.Identity), 1, w.Semaphores())
            .InvariantBroken(enabled[0], 5, s, ["one", "two"]);
        Assert.Equal(ViolationKind.InvariantBroken, broken.Kind);
        Assert.Equal("one", broken.Invariant);
        Assert.Contains("the model's invariant \"one\", \"two\" does not hold", broken.Message);
    }
}
