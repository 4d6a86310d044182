using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>
/// A panic ends the runtime's run wherever its other Ms stand: an M that had begun a step leaves its first events in
/// the trace. The checker accepts exactly those (the beginning of a step the model offers that M), nothing else.
/// </summary>
[Collection("native runtime")]
public class FatalEndTests
{
    private static readonly Workload Panics = WorkloadParser.Parse("chan c 1\nmain {\n  go w\n  close c\n  send c\n}\nw { recv c }\n");

    /// <summary>Runs on 2 Ps until one leaves events after the model's end (another M cut short), with its spec.</summary>
    private static (RunSpec Spec, RunResult Run, CheckResult Result) CutShortRun()
    {
        for (ulong seed = 1; seed < 200; seed++)
        {
            var spec = RunSpec.Of(Panics, 2, seed);
            var run = GoRuntime.Run(spec.Workload, Conformer.OptionsFor(spec));
            var r = Conformer.Judge(spec, run);
            Assert.True(r.Violation is null, r.Violation?.Verdict);
            if (r.EventsChecked < r.Trace.Length) return (spec, run, r);
        }
        throw new Xunit.Sdk.XunitException("no run on 2 Ps left another M's step half recorded");
    }

    [Fact]
    public void A_panic_that_cuts_another_Ms_step_short_conforms_with_the_same_panic_on_both_sides()
    {
        var (_, run, r) = CutShortRun();
        Assert.Equal(RunOutcome.Fatal, run.Outcome);
        Assert.StartsWith("panic: send on closed channel\n\ngoroutine 1 [running]:", run.Message);
        Assert.Equal(OutcomeKind.Fatal, r.ModelOutcome!.Kind);
        Assert.True(r.ModelOutcome.AgreesWith(r.RuntimeOutcome!));
    }

    [Fact]
    public void Leftovers_that_begin_no_step_of_the_model_are_still_a_violation()
    {
        var (spec, run, r) = CutShortRun();
        // The cut-short M's last event, made into something no step begins with.
        var trace = run.Trace!.ToArray();
        var last = trace.Length - 1;
        while (last >= 0 && r.Trace.Take(r.EventsChecked).Any(e => e.Seq == trace[last].Seq)) last--;
        Assert.True(last >= 0);
        trace[last] = trace[last] with { Kind = EventKind.GoEnd, G = 99 };
        var bad = Conformer.Judge(spec, run with { Trace = trace });
        Assert.NotNull(bad.Violation);
    }

    [Fact]
    public void A_different_panic_goroutine_is_an_outcome_mismatch()
    {
        var model = new Outcome(OutcomeKind.Fatal, [], System.Collections.Immutable.ImmutableSortedDictionary<long, string>.Empty,
            "panic: send on closed channel\n\ngoroutine 1 [running]:");
        var runtime = model with { Detail = "panic: send on closed channel\n\ngoroutine 2 [running]:\nmain line 5: send c" };
        Assert.False(model.AgreesWith(runtime));
        Assert.True(model.AgreesWith(runtime with { Detail = "panic: send on closed channel\n\ngoroutine 1 [running]:\nmain line 5: send c" }));
    }
}
