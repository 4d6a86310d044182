using Conformance.Campaigns;
using Conformance.Refinement;
using Conformance.Replay;
using Model.Workload;

namespace Conformance.Tests.Campaigns;

/// <summary>The campaign machinery (generation, shrinking, reports, tokens) with a stand-in checker with a known bug.</summary>
public class CampaignTests
{
    /// <summary>"Fails" on any run on 2 Ps whose workload makes a syscall of 5 microseconds or more.</summary>
    private static CheckResult FakeCheck(RunSpec spec)
    {
        static bool Bad(Block b) => b.Any(op => op is SyscallOp { Micros: >= 5 } || (op is CallOp c && Bad(c.Body)) || (op is RepeatOp r && Bad(r.Body)));
        var fails = spec.Procs == 2 && spec.Workload.Bodies.Any(body => Bad(body.Ops));
        var v = fails ? new Violation(ViolationKind.NotEnabled, "a long syscall on 2 Ps", 0, null, null, StateView.Empty, StateView.Empty) : null;
        return new CheckResult(spec.Workload, spec.Procs, spec.Seed, [3, 1, 4], spec.Mutant, [], 10, null, null, v, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void A_campaign_finds_shrinks_reports_and_tokens_a_violation()
    {
        var root = Path.Combine(Path.GetTempPath(), "checker-campaign-test-" + Guid.NewGuid().ToString("n"));
        try
        {
            var campaign = new Campaign(FakeCheck, Conformer.Edges);
            var r = campaign.Run(new CampaignOptions { Count = 120, Seed = 9, ReportRoot = root, MaxReported = 1 });
            Assert.Equal(120, r.Runs);
            Assert.True(r.Violations > 0);
            Assert.Equal([1, 2, 4], r.ByProcs.Keys.Order());
            Assert.Equal(0, r.ByProcs[1].Violations + r.ByProcs[4].Violations);
            var f = Assert.Single(r.Findings);
            // Shrunk to the smallest failing workload: one syscall of exactly 5 µs, the only op left (in main, or in the
            // one body that had it when that body is no longer started: the fake check reads every body).
            var shrunk = f.Result.Workload;
            Assert.Equal(["syscall 5"], shrunk.Bodies.SelectMany(b => b.Ops).Select(WorkloadPrinter.Head));
            Assert.True(shrunk.Bodies.Length <= 2, WorkloadPrinter.Print(shrunk));
            Assert.True(f.ShrinkSteps > 0);
            Assert.True(Directory.Exists(f.ReportFolder));
            Assert.Contains("syscall 5", File.ReadAllText(Path.Combine(f.ReportFolder!, "report.md")));
            var token = ReplayToken.Decode(f.Token);
            Assert.Equal(2, token.Procs);
            Assert.Equal(f.Result.Signature, token.Verdict);
            Assert.Equal(f.Result.Workload, WorkloadParser.Parse(token.Workload));
            // The token's run fails the same way.
            Assert.Equal(f.Result.Signature, FakeCheck(RunSpec.From(token)).Signature);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_campaign()
    {
        var o = new CampaignOptions { Count = 30, Seed = 77 };
        var a = Enumerable.Range(0, 30).Select(i => Campaign.SpecOf(o, i)).ToList();
        var b = Enumerable.Range(0, 30).Select(i => Campaign.SpecOf(o, i)).ToList();
        Assert.Equal(a.Select(s => (WorkloadPrinter.Print(s.Workload), s.Procs, s.Seed)), b.Select(s => (WorkloadPrinter.Print(s.Workload), s.Procs, s.Seed)));
        var other = Campaign.SpecOf(o with { Seed = 78 }, 0);
        Assert.NotEqual(a[0].Seed, other.Seed);
    }

    [Fact]
    public void A_time_budget_stops_the_campaign()
    {
        var campaign = new Campaign(s => { Thread.Sleep(20); return FakeCheck(s with { Procs = 1 }); }, Conformer.Edges);
        var r = campaign.Run(new CampaignOptions { Count = 10_000, Budget = TimeSpan.FromMilliseconds(300), ReportRoot = null });
        Assert.True(r.StoppedByBudget);
        Assert.InRange(r.Runs, 1, 100);
    }

    [Fact]
    public void Mutation_run_counts_a_mutant_killed_only_when_its_verdict_differs_from_the_real_runtimes()
    {
        // The "runtime" fails every run on 4 Ps, mutant or not; mutant "A" also fails runs on 1 P.
        static CheckResult Fake(RunSpec spec)
        {
            var fails = spec.Procs == 4 || (spec.Mutant == "A" && spec.Procs == 1);
            var v = fails ? new Violation(ViolationKind.NotEnabled, "x", spec.Procs, null, null, null, null) : null;
            return new CheckResult(spec.Workload, spec.Procs, spec.Seed, [], spec.Mutant, [], 1, null, null, v, TimeSpan.Zero);
        }
        var results = MutationRun.Run(["A", "B"], 1, TimeSpan.FromSeconds(5), 12, check: Fake);
        Assert.True(results[0].Killed);
        Assert.Contains("NotEnabled at event 1", results[0].Verdict);
        Assert.False(results[1].Killed);
        Assert.Equal(12, results[1].Runs);
    }

    [Fact]
    public void Runs_in_flight_side_by_side_give_the_same_campaign_as_one_at_a_time()
    {
        var inFlight = 0;
        var most = 0;
        CheckResult Slow(RunSpec s)
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            Thread.Sleep((int)(s.Seed % 7));
            Interlocked.Decrement(ref inFlight);
            return FakeCheck(s);
        }
        var root = Path.Combine(Path.GetTempPath(), "checker-parallel-test-" + Guid.NewGuid().ToString("n"));
        try
        {
            var o = new CampaignOptions { Count = 60, Seed = 9, ReportRoot = null, MaxReported = 1 };
            var one = new Campaign(FakeCheck, Conformer.Edges).Run(o);
            var three = new Campaign(Slow, Conformer.Edges, parallelism: 3).Run(o);
            Assert.Equal((one.Runs, one.Events, one.Violations), (three.Runs, three.Events, three.Violations));
            Assert.Equal(one.Findings.Select(f => (f.RunIndex, WorkloadPrinter.Print(f.Result.Workload))), three.Findings.Select(f => (f.RunIndex, WorkloadPrinter.Print(f.Result.Workload))));
            Assert.InRange(most, 2, 3);
            // Stopping at the first violation stops at the same run, and no run is left in flight.
            var first = new Campaign(Slow, Conformer.Edges, parallelism: 3).Run(o with { StopAtFirstViolation = true, Shrink = false });
            Assert.Equal(new Campaign(FakeCheck, Conformer.Edges).Run(o with { StopAtFirstViolation = true, Shrink = false }).Runs, first.Runs);
            Assert.Equal(0, Volatile.Read(ref inFlight));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
