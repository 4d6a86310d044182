using Conformance.Cli;
using Conformance.GoSide;
using Model.Workload;

namespace Conformance.Tests.GoSide;

/// <summary>vs-go against Go 1.19 itself: the translation builds, runs under the tracer, and its runs are held
/// against the model.</summary>
public class VsGoTests
{
    private static Workload Parse(string text) => WorkloadParser.Parse(text);

    private static IReadOnlyList<VsGoResult> Run(IReadOnlyList<int> procs, params Workload[] workloads) =>
        new VsGoCampaign { Go = GoFactAttribute.Go, Workloads = workloads, Procs = procs }.Run().Results;

    [GoFact]
    public void On_one_P_Go_runs_goroutines_in_the_order_the_model_predicts()
    {
        // main starts three workers; each yields twice. Go's run-slice order must be the model's, slice for slice.
        var w = Parse("main {\n repeat 3 { go w }\n yield\n}\nw {\n yield\n yield\n}\n");
        var r = Run([1], w).Single();
        Assert.Equal(VsGoVerdictKind.Agree, r.Verdict.Kind);
        var model = ModelContract.PredictOneP(w);
        Assert.Equal(model.Starts, r.Verdict.GoOrder);
        Assert.Equal(10, r.Verdict.GoOrder.Count); // main once more, each worker three times
    }

    [GoFact]
    public void Go_preempts_a_long_call_chain_cooperatively_and_the_model_follows_with_its_preemption_choice()
    {
        // Go 1.19 with asynchronous preemption off (as vs-go runs it): sysmon asks the chain to stop once it has held
        // the P for 10 ms, the next call's prologue delivers it (gopreempt_m: the global queue), and the leaves it
        // started and the yielder run before it. The chain's stretches between two go statements are far shorter than
        // 10 ms, so each of Go's preemptions falls in a stretch whose start is one of the model's preemption points.
        var w = Parse("main { go chain; go yielder; repeat 2 { acquire done } }\n" +
            "yielder { yield; work 10; release done }\n" +
            "chain { repeat 40 { go leaf; repeat 1000 { call 128 { work 1000 } } }; release done }\n" +
            "leaf { }");
        using var batch = GoBatch.Build(GoFactAttribute.Go, [w], out var error) ?? throw new InvalidOperationException(error);
        for (var attempt = 0; ; attempt++)
        {
            var run = batch.Run(0, 1, 0);
            var view = new GoWorkloadView(run.Trace!, run.Workload);
            var preempted = run.Trace!.Events.Count(e => e.Kind == GoEventType.GoPreempt && view.Members.Contains(e.G) && view.InWorkload(e.Index));
            if (preempted == 0 && attempt < 4) continue; // the chain ran under 10 ms: a fast machine; run it again
            Assert.True(preempted > 0, "Go never preempted the 40-stretch chain in 5 runs");
            var verdict = VsGoComparer.CompareOneP(w, batch.Program, run, 0);
            Assert.True(verdict.Kind == VsGoVerdictKind.Agree, verdict.Message);
            // Without the preemption choice the model runs the chain to its end in one slice: not Go's order.
            Assert.NotEqual(ModelContract.PredictOneP(w).Starts, verdict.GoOrder);
            return;
        }
    }

    [GoFact]
    public void A_deadlock_is_reported_by_Go_with_who_is_blocked_on_which_semaphore()
    {
        var w = WorkloadFiles.Read(Path.Combine(RepoRoot(), "workloads", "deadlock.wl"));
        var r = Run([1], w).Single();
        Assert.Equal(VsGoVerdictKind.Agree, r.Verdict.Kind);
        Assert.Equal("fatal error: all goroutines are asleep - deadlock! g1 [semacquire] on never, g2 [semacquire] on never", r.Verdict.GoOutcome);
        Assert.Equal(r.Verdict.ModelOutcome, r.Verdict.GoOutcome);
    }

    [GoFact]
    public void The_phase_of_the_61_tick_counter_changes_the_order_and_the_model_follows_it_given_the_same_phase()
    {
        // main puts w in runnext and yields: with schedtick % 61 == 0 the next schedule takes main back from the
        // global queue first; at any other phase w runs first.
        var w = Parse("main {\n go w\n yield\n}\nw {\n yield\n}\n");
        using var batch = GoBatch.Build(GoFactAttribute.Go, [w], out var error) ?? throw new InvalidOperationException(error);
        var at0 = VsGoComparer.CompareOneP(w, batch.Program, batch.Run(0, 1, 0), 0);
        var at5 = VsGoComparer.CompareOneP(w, batch.Program, batch.Run(0, 1, 5), 5);
        Assert.Equal(VsGoVerdictKind.Agree, at0.Kind);
        Assert.Equal(VsGoVerdictKind.Agree, at5.Kind);
        Assert.Equal([1L, 2, 2], at0.GoOrder);
        Assert.Equal([2L, 1, 2], at5.GoOrder);
        // Phase 5 in Go held against the model at phase 0 disagrees: the phase matters and is measured, not assumed.
        var wrong = VsGoComparer.CompareOneP(w, batch.Program, batch.Run(0, 1, 5), 0);
        Assert.Equal(VsGoVerdictKind.Disagree, wrong.Kind);
        Assert.Equal(0, wrong.FirstDifference);
    }

    [GoFact]
    public void Semrelease_without_handoff_lets_the_releaser_barge_ahead_of_the_woken_waiter_as_in_Go()
    {
        // w parks on s; main releases s (w readied into runnext, count 1) and acquires s at once. Go 1.19
        // (semrelease1 with handoff = false): main takes the count; w, woken with no ticket, finds it taken, queues
        // again and parks; main ends and w is blocked for good. Before the fix the model handed the count to w and
        // blocked main instead. Now Go, the model and the native runtime agree on the order and on who is blocked.
        var w = Parse("main {\n go w\n repeat 2 { yield }\n release s\n acquire s\n}\nw {\n acquire s\n}\n");
        var r = Run([1, 2], w);
        var one = r.Single(x => x.Procs == 1).Verdict;
        Assert.True(one.Kind == VsGoVerdictKind.Agree, one.Message);
        Assert.Null(one.Known);
        Assert.Contains("fatal error: all goroutines are asleep - deadlock! g2 [semacquire] on s", one.GoOutcome);
        Assert.Contains("g2 [semacquire] on s", one.ModelOutcome);
        var native = Implementation.GoRuntime.Run(w, new Implementation.RuntimeOptions { Procs = 1, Controlled = true, Seed = 1 });
        Assert.Equal(Implementation.RunOutcome.Deadlock, native.Outcome);
        Assert.Equal([2L], native.Blocked.Select(b => b.Goid));
    }

    [GoFact]
    public void Generated_workloads_on_several_Ps_project_onto_model_edges()
    {
        var ws = VsGoCommand.Generate(6, 7);
        var results = Run([2], [.. ws]);
        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.True(r.Verdict.Kind is VsGoVerdictKind.Agree || r.Verdict.Known is not null, r.Verdict.Message));
        Assert.Contains(results, r => r.Verdict.Message.Contains("status changes", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_Go_or_with_bad_options_vs_go_exits_2_naming_the_problem()
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(CheckerCli.ExitBadInput, VsGoCommand.Execute(null, "zero", null, null, null, null, false, o, e));
        Assert.Contains("--count", e.ToString());
        e = new StringWriter();
        Assert.Equal(CheckerCli.ExitBadInput, VsGoCommand.Execute("/nonexistent/x.wl", null, null, null, null, null, false, o, e));
        Assert.Contains("/nonexistent/x.wl", e.ToString());
        e = new StringWriter();
        Assert.Equal(CheckerCli.ExitBadInput, VsGoCommand.Execute(null, null, null, "1,0", null, null, false, o, e));
        Assert.Contains("--procs", e.ToString());
    }

    internal static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Checker.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Checker.sln");
    }
}

/// <summary>The default campaign's vs-go part.</summary>
public class DefaultCampaignVsGoTests
{
    [GoFact]
    public void The_default_campaigns_vs_go_part_compares_generated_workloads_within_its_budget()
    {
        var (summary, skipped) = Conformance.Cli.DefaultCampaign.VsGo(11, TimeSpan.FromSeconds(4));
        Assert.Equal("", skipped);
        Assert.NotNull(summary);
        Assert.True(summary!.Results.Count >= 10, $"only {summary.Results.Count} compared");
        Assert.Equal(0, summary.Errors);
        Assert.True(summary.Count(1, Conformance.GoSide.VsGoVerdictKind.Agree) >= summary.Results.Count - 2);
    }
}
