using Checker.Tests;
using System.Diagnostics;
using Conformance.Campaigns;
using Conformance.Cli;
using Conformance.Generators;
using Conformance.Isolation;
using Conformance.Refinement;
using Conformance.Replay;
using Model.Workload;

namespace Conformance.Tests.Isolation;

/// <summary>Checked runs in worker processes: crashes and hangs are verdicts with the trace up to them, workers are
/// reused and replaced, and a pooled verdict is the in-process one.</summary>
[Collection("native runtime")]
public class WorkerPoolTests
{
    private const string Crashing = "GoschedPcTruncated";

    private static readonly Workload YieldTwice = WorkloadParser.Parse("main {\n  go w\n  yield\n  yield\n}\nw {\n  yield\n}\n");

    /// <summary>A goroutine that computes for about 10^18 iterations: past any timeout, with no scheduling point.</summary>
    private static readonly Workload Spin = WorkloadParser.Parse("main {\n  go spin\n  yield\n}\nspin {\n  repeat 1000000000 { work 1000000000 }\n}\n");

    [DiagnosticBuildFact]
    public void A_crashing_runtime_is_a_RuntimeCrash_verdict_with_the_trace_up_to_the_crash_and_a_replay_token()
    {
        using var pool = new WorkerPool(1);
        var clock = Stopwatch.StartNew();
        var r = pool.Check(RunSpec.Of(YieldTwice, 1, 7, Crashing));
        clock.Stop();

        var v = Assert.IsType<Violation>(r.Violation);
        Assert.Equal(ViolationKind.RuntimeCrash, v.Kind);
        var crash = Assert.IsType<CrashDetails>(v.Crash);
        Assert.Equal("SIGSEGV", crash.Signal);
        Assert.Equal(139, crash.ExitCode);
        Assert.Contains("killed by SIGSEGV", v.Message);
        Assert.Equal("running the workload", crash.Phase);
        // The trace survived the process: it reaches the yield and the gogo that jumped to the truncated pc.
        Assert.NotEmpty(r.Trace);
        Assert.Contains(r.Trace, e => e.Kind == Model.Contract.EventKind.GoSched);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the crash verdict took {clock.Elapsed}");
        Assert.Equal(1, pool.Crashes);

        var token = ReplayToken.Decode(r.Token.Encode());
        Assert.Equal(Crashing, token.Mutant);
        Assert.Equal("RuntimeCrash@-1", token.Verdict);
        Assert.Equal(r.Signature, pool.Check(RunSpec.From(token)).Signature);
        Assert.Equal(CheckerCli.ExitViolation, ReplayCommand.Run(r.Token.Encode(), null));
    }

    [DiagnosticBuildFact]
    public void A_crashed_worker_is_replaced_and_the_next_run_conforms()
    {
        using var pool = new WorkerPool(1);
        var before = pool.Check(RunSpec.Of(YieldTwice, 1, 1));
        Assert.True(before.Conforms, before.Verdict);
        var pid = Assert.Single(pool.Pids);
        Assert.Equal(ViolationKind.RuntimeCrash, pool.Check(RunSpec.Of(YieldTwice, 2, 1, Crashing)).Violation?.Kind);
        Assert.Empty(pool.Pids);
        var after = pool.Check(RunSpec.Of(YieldTwice, 1, 1));
        Assert.True(after.Conforms, after.Verdict);
        Assert.NotEqual(pid, Assert.Single(pool.Pids));
        Assert.Equal(2, pool.ProcessesStarted);
        Assert.Equal(before.Trace.Length, after.Trace.Length);
    }

    [Fact]
    public void A_worker_is_reused_across_runs()
    {
        using var pool = new WorkerPool(1);
        int? pid = null;
        for (var seed = 1UL; seed <= 6; seed++)
        {
            var r = pool.Check(RunSpec.Of(Corpus.Get("example"), (int)(seed % 3) + 1, seed));
            Assert.True(r.Conforms, r.Verdict);
            Assert.True(r.EventsChecked > 0);
            var now = Assert.Single(pool.Pids);
            pid ??= now;
            Assert.Equal(pid, now);
        }
        Assert.Equal(1, pool.ProcessesStarted);
        Assert.Equal(6, pool.Runs);
    }

    [Fact]
    public void A_hanging_runtime_is_a_RuntimeHang_verdict_within_its_timeout()
    {
        using var pool = new WorkerPool(1) { HangMargin = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        var r = pool.Check(RunSpec.Of(Spin, 1, 1) with { Timeout = TimeSpan.FromSeconds(1) });
        clock.Stop();

        Assert.Equal(ViolationKind.RuntimeHang, r.Violation?.Kind);
        Assert.Contains("timeout of 1 s plus 1 s", r.Violation!.Message);
        Assert.NotNull(r.Violation.Crash);
        // Killed at the timeout plus the margin, not when the runtime's own give-up (10 s more) would have answered.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8));
        Assert.NotEmpty(r.Trace);
        Assert.Equal(1, pool.Hangs);
        Assert.False(r.Token.Encode().Length == 0);
        // The pool goes on with a fresh worker.
        Assert.True(pool.Check(RunSpec.Of(YieldTwice, 1, 1)).Conforms);
        Assert.Equal(2, pool.ProcessesStarted);
    }

    [Fact]
    public void A_run_that_leaves_a_thread_behind_gets_its_verdict_and_the_worker_is_replaced()
    {
        // The runtime's own timeout fires (1 s) and it cannot join the spinning M (it waits 10 s for it): the worker
        // answers, with the runtime's fatal "did not finish" outcome, and leaves; the pool starts another.
        using var pool = new WorkerPool(1) { HangMargin = TimeSpan.FromSeconds(30) };
        var r = pool.Check(RunSpec.Of(Spin, 1, 1) with { Timeout = TimeSpan.FromSeconds(1) });
        Assert.NotNull(r.Violation);
        Assert.NotEqual(ViolationKind.RuntimeHang, r.Violation.Kind);
        Assert.Equal(OutcomeKind.Fatal, r.RuntimeOutcome?.Kind);
        Assert.Contains("did not finish within 1 s", r.RuntimeOutcome!.Detail);
        Assert.Empty(pool.Pids);
        Assert.True(pool.Check(RunSpec.Of(YieldTwice, 1, 1)).Conforms);
        Assert.Equal(2, pool.ProcessesStarted);
    }

    [Fact]
    public void Pooled_results_equal_in_process_results_for_a_set_of_seeds()
    {
        using var pool = new WorkerPool(2);
        var specs = new List<RunSpec>();
        for (var i = 0; i < 12; i++)
        {
            var o = new CampaignOptions { Seed = 2024, Count = 12, MaxSize = 20 };
            specs.Add(Campaign.SpecOf(o, i));
        }
        specs.Add(RunSpec.Of(WorkloadGen.Sample(WorkloadGen.SemaphoreHandoff, 10, 4, 1)[0], 2, 5));
        var pooled = specs.AsParallel().AsOrdered().WithDegreeOfParallelism(2).Select(pool.Check).ToList();
        for (var i = 0; i < specs.Count; i++)
        {
            var local = Conformer.Check(specs[i]);
            var remote = pooled[i];
            Assert.Equal(local.Signature, remote.Signature);
            Assert.Equal(local.Verdict, remote.Verdict);
            Assert.Equal(local.EventsChecked, remote.EventsChecked);
            Assert.Equal(local.Choices.ToArray(), remote.Choices.ToArray());
            // Outcomes agree; their detail text may not: the worker parses the printed workload, so where a generated
            // workload names "op 3" in process, the worker names "line 6" of the text the report prints.
            Assert.Equal(local.ModelOutcome is null, remote.ModelOutcome is null);
            if (local.ModelOutcome is not null) Assert.True(local.ModelOutcome.AgreesWith(remote.ModelOutcome!) || local.ModelOutcome.Kind == OutcomeKind.Incomplete);
            Assert.True(local.RuntimeOutcome!.AgreesWith(remote.RuntimeOutcome!), $"{local.RuntimeOutcome} / {remote.RuntimeOutcome}");
            Assert.Equal(local.Trace.Select(e => (e.Kind, e.M, e.P, e.G)), remote.Trace.Select(e => (e.Kind, e.M, e.P, e.G)));
            Assert.Equal(local.Token.Encode(), remote.Token.Encode());
        }
        Assert.InRange(pool.ProcessesStarted, 1, 2);
    }

    [Fact]
    public void A_campaign_on_two_workers_counts_what_the_same_campaign_in_process_counts()
    {
        var o = new CampaignOptions { Count = 24, Seed = 31, ReportRoot = null, MaxSize = 15 };
        using var pool = new WorkerPool(2);
        var pooled = Conformer.NewCampaign(pool).Run(o);
        var local = Conformer.NewCampaign().Run(o);
        Assert.Equal(local.Runs, pooled.Runs);
        Assert.Equal(local.Events, pooled.Events);
        Assert.Equal(local.Violations, pooled.Violations);
        Assert.Equal(local.Coverage.Snapshot(), pooled.Coverage.Snapshot());
        Assert.Equal(local.ByShape.Keys.Order(), pooled.ByShape.Keys.Order());
    }

    [DiagnosticBuildFact]
    public void A_crashing_workload_shrinks_to_one_that_still_crashes_and_is_reported_with_a_replay_command()
    {
        var root = Path.Combine(Path.GetTempPath(), "checker-crash-test-" + Guid.NewGuid().ToString("n"));
        try
        {
            using var pool = new WorkerPool(2);
            var o = MutationRun.OptionsFor(Crashing, 3, TimeSpan.FromSeconds(60), 50) with { Shrink = true, ReportRoot = root };
            var r = Conformer.NewCampaign(pool).Run(o);
            var f = Assert.Single(r.Findings);
            Assert.Equal(ViolationKind.RuntimeCrash, f.Result.Violation?.Kind);
            Assert.Equal(ViolationKind.RuntimeCrash, f.Original.Violation?.Kind);
            Assert.True(f.ShrinkSteps > 0, "the crashing workload did not shrink");
            Assert.NotEmpty(f.Result.Trace);
            var md = File.ReadAllText(Path.Combine(f.ReportFolder!, "report.md"));
            Assert.Contains("SIGSEGV", md);
            Assert.Contains("How the worker process ended", md);
            Assert.Contains("-c Debug -- replay ck1", md);
            Assert.Contains("\"signal\": \"SIGSEGV\"", File.ReadAllText(Path.Combine(f.ReportFolder!, "report.json")));
            Assert.Contains("DIVERGENCE", File.ReadAllText(Path.Combine(f.ReportFolder!, "trace.json")));
            Assert.Equal(f.Result.Signature, pool.Check(RunSpec.From(ReplayToken.Decode(f.Token))).Signature);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Disposing_the_pool_stops_its_workers_and_deletes_their_trace_files()
    {
        var pool = new WorkerPool(1);
        Assert.True(pool.Check(RunSpec.Of(YieldTwice, 1, 1)).Conforms);
        var pid = Assert.Single(pool.Pids);
        var files = pool.TraceFiles;
        Assert.All(files, f => Assert.True(File.Exists(f), f));
        pool.Dispose();
        Assert.All(files, f => Assert.False(File.Exists(f), f));
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z "), $"worker {pid} still runs");
    }
}
