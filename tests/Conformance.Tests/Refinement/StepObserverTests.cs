using Conformance.Refinement;
using Model;

namespace Conformance.Tests.Refinement;

/// <summary>The extension point after each step (<see cref="IStepObserver"/>).</summary>
public class StepObserverTests
{
    private sealed class Recorder(int failAtEvent = -1) : IStepObserver
    {
        public List<StepObservation> Seen { get; } = [];

        public Violation? AfterStep(in StepObservation step)
        {
            Seen.Add(step);
            return step.LastEventIndex == failAtEvent
                ? new Violation(ViolationKind.StateMismatch, $"the snapshot at event {failAtEvent} differs", failAtEvent, null, null, null, null)
                : null;
        }
    }

    [Fact]
    public void The_observer_sees_every_step_with_the_models_state_after_it_and_the_index_of_its_last_event()
    {
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w);
        var recorder = new Recorder();
        var v = new RefinementChecker(w, new SchedConfig { Procs = 1 }).Check(trace, Abstraction.Identity, null, recorder);
        Assert.Null(v.Violation);
        Assert.Equal(v.Steps, recorder.Seen.Select(s => s.Action));
        Assert.Same(v.FinalState, recorder.Seen[^1].State);
        var ends = recorder.Seen.Where(s => s.LastEventIndex >= 0).Select(s => s.LastEventIndex).ToList();
        Assert.Equal(ends.Order(), ends);
        Assert.Equal(trace.Length - 1, ends[^1]);
        // Each step's events end exactly at the index it reports.
        var start = 0;
        foreach (var s in recorder.Seen.Where(s => s.LastEventIndex >= 0))
        {
            Assert.Equal(s.LastEventIndex - start + 1, s.Events.Count);
            Assert.Equal(0, s.RuntimeM);
            start = s.LastEventIndex + 1;
        }
    }

    [Fact]
    public void A_violation_from_the_observer_fails_the_check_there()
    {
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w);
        var recorder = new Recorder();
        new RefinementChecker(w, new SchedConfig { Procs = 1 }).Check(trace, Abstraction.Identity, null, recorder);
        var middle = recorder.Seen[recorder.Seen.Count / 2].LastEventIndex;

        var v = new RefinementChecker(w, new SchedConfig { Procs = 1 }).Check(trace, Abstraction.Identity, null, new Recorder(middle));
        Assert.NotNull(v.Violation);
        Assert.Equal(ViolationKind.StateMismatch, v.Violation.Kind);
        Assert.Equal(middle, v.Violation.EventIndex);
        Assert.Equal(middle + 1, v.EventsChecked);
    }
}
