using Checker.Tests;
using Conformance.Campaigns;
using Conformance.Refinement;
using Model.Workload;

namespace Conformance.Tests.Campaigns;

/// <summary>
/// The checker catches each seeded stack bug (issue 13) on a workload made for it, on one P, where the correct
/// runtime conforms; and it says what broke. Each workload is small enough to read the cause off it, and none lets the
/// mutant crash the test host (these runs are in-process).
/// </summary>
[Collection("native runtime")]
public class StackMutantTests
{
    private static CheckResult Caught(string text, string mutant)
    {
        var w = WorkloadParser.Parse(text);
        var real = Conformer.Check(RunSpec.Of(w, 1, 1));
        Assert.True(real.Conforms, $"the correct runtime: {real.Verdict}");
        var r = Conformer.Check(RunSpec.Of(w, 1, 1, mutant));
        Assert.False(r.Conforms, $"{mutant} conformed");
        return r;
    }

    [DiagnosticBuildFact]
    public void A_frame_pointer_chain_left_pointing_into_the_old_stack_is_seen_in_the_next_saved_bp()
    {
        // f2's prologue grows the stack (2 to 4 KiB): sched.bp (f1's rbp) is adjusted by itself, but f1's saved rbp (the
        // body's) is a link of the chain and keeps its old value. f1 returns, so the body's rbp is stale, and the
        // body's yield saves it. The body then exits without returning through it.
        var r = Caught("main { go d }\nd {\n  call 64 { call 3000 { yield }; yield }\n  yield\n  exit\n}", "CopyStackSkipsFramePointers");
        Assert.Contains("sched.bp", r.Violation!.Message);
    }

    [DiagnosticBuildFact]
    public void A_stack_grown_by_2_KiB_instead_of_doubled_is_seen_in_the_new_size()
    {
        // 2 to 4 KiB for the first call (as doubling would), then 4 to 6 KiB where Go goes to 8.
        var r = Caught("main { go d }\nd { call 1500 { call 3000 { yield } } }", "GrowByFixed2K");
        Assert.Contains("new stack size", r.Violation!.Message);
        Assert.Contains("8192", r.Violation.Message);
    }

    [DiagnosticBuildFact]
    public void A_g_resumed_past_its_prologue_is_seen_in_the_pc_gogo_jumps_to()
    {
        var r = Caught("main { go d }\nd { call 3000 { yield } }", "MorestackPcPastPrologue");
        Assert.Contains("pc jumped to", r.Violation!.Message);
        Assert.Contains("no program point", r.Violation.Message);
    }

    [DiagnosticBuildFact]
    public void A_dead_g_that_keeps_its_grown_stack_is_seen_in_its_state()
    {
        // d grows to 4 KiB and exits from inside the call; gfput must free the grown stack (the model's dead g has none).
        var r = Caught("main { go d; acquire s; go e; yield }\nd { call 3000 { release s; exit } }\ne { call 1500 { yield } }", "GfPutKeepsGrownStack");
        Assert.Contains(".stack", r.Violation!.Message);
    }
}
