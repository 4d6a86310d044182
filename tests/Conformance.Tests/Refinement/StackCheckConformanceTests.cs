using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>
/// With fixed stacks (RuntimeOptions.FixedStacks), the model's stack-overflow check is the native prologue's, on each
/// g's own (coloured) stack: the worker below is
/// g slot 1, whose stack.hi the runtime moves down 64 bytes, so a frame that would fit a 64 KiB stack overflows it.
/// Worker: body rsp 48; <c>call X</c> enters at 56 and compares 56 + (8 + X − 128) below hi against
/// 65536 − 64 − 16384 = 49088.
/// </summary>
[Collection("native runtime")]
public class StackCheckConformanceTests
{
    /// <summary>Events only: the state check would stop at the switch-back snapshot after morestack, whose sched.ctxt
    /// differs (see below), before the model's step reaches the throw.</summary>
    private static CheckResult Check(int frame)
    {
        var spec = RunSpec.Of(WorkloadParser.Parse($"main {{ go w }}\nw {{ call {frame} {{ }} }}"), 1, seed: 1);
        return Conformer.Judge(spec, GoRuntime.Run(spec.Workload, Conformer.OptionsFor(spec) with { Snapshots = false, FixedStacks = true }));
    }

    [Fact]
    public void A_frame_just_inside_the_coloured_stack_runs_on_both_sides()
    {
        var r = Check(49136); // 56 + 49016 = 49072 < 49088
        Assert.True(r.Conforms, r.Verdict);
        Assert.Equal(OutcomeKind.Completed, r.RuntimeOutcome!.Kind);
    }

    [Fact]
    public void A_frame_that_fits_64_KiB_but_not_the_coloured_stack_overflows_on_both_sides_at_the_same_save()
    {
        var r = Check(49200); // 56 + 49080 = 49136: under 49152 (uncoloured), not under 49088
        Assert.Equal(OutcomeKind.Fatal, r.RuntimeOutcome!.Kind);
        Assert.Contains("stack overflow", r.RuntimeOutcome.Detail);
        // The model agrees event for event up to and including morestack's save (sp, pc and bp exact) and m.morebuf
        // (the caller's sp, exact, and pc), then ends in the same throw, which it reaches only if its prologue check
        // says what the native one says on g1's coloured stack (uncoloured, the frame would fit and w would return).
        // The checker reports the fatal end as the "no fatal error" invariant, as for every fatal run.
        var save = Array.FindIndex(r.Trace, e => e.Kind == EventKind.GobufSave && e.D == (long)McallReason.Morestack);
        Assert.Equal(EventKind.Morebuf, r.Trace[save + 1].Kind);
        var v = Assert.IsType<Violation>(r.Violation);
        Assert.Equal(ViolationKind.InvariantBroken, v.Kind);
        Assert.Equal(save + 1, v.EventIndex);
        Assert.Equal(OutcomeKind.Fatal, r.ModelOutcome!.Kind);
        Assert.Contains("stack overflow", r.ModelOutcome.Detail);
    }
}
