using System.Collections.Concurrent;
using System.Diagnostics;
using Model.Workload;

namespace Conformance.GoSide;

/// <summary>
/// Runs a batch of workloads on Go 1.19 (one program for the whole batch, built once) on each GOMAXPROCS and holds
/// each run against the model. One P: the harness brings P0's schedtick to phase 0 and the run order must equal the
/// model's; a run disturbed by something outside the workload is run again once with a longer watchdog. Several Ps:
/// the status projection check.
/// </summary>
public sealed class VsGoCampaign
{
    public required GoToolchain Go { get; init; }
    public required IReadOnlyList<Workload> Workloads { get; init; }
    public IReadOnlyList<int> Procs { get; init; } = [1];
    /// <summary>How many Go programs run at once.</summary>
    public int Jobs { get; init; } = 2;
    /// <summary>Stop starting runs after this long, counted from the end of the build (null: no limit).</summary>
    public TimeSpan? Budget { get; init; }

    public sealed record Summary(IReadOnlyList<VsGoResult> Results, TimeSpan BuildTime, TimeSpan Elapsed, int Workloads, string? BuildError, GoProgram? Program)
    {
        /// <summary>Workloads fully compared (every GOMAXPROCS) per minute of wall time, build included.</summary>
        public double WorkloadsPerMinute => Elapsed.TotalMinutes <= 0 ? 0 : Results.Select(r => r.Workload).Distinct().Count() / Elapsed.TotalMinutes;
        public int Count(int procs, VsGoVerdictKind kind) => Results.Count(r => r.Procs == procs && r.Verdict.Kind == kind);
        public int Unexplained => Results.Count(r => r.Verdict.Kind == VsGoVerdictKind.Disagree && r.Verdict.Known is null);
        public int Errors => Results.Count(r => r.Verdict.Kind == VsGoVerdictKind.Error);
    }

    public Summary Run(Action<int, int>? progress = null)
    {
        var sw = Stopwatch.StartNew();
        using var batch = GoBatch.Build(Go, Workloads, out var error);
        if (batch is null) return new Summary([], sw.Elapsed, sw.Elapsed, Workloads.Count, error, null);
        var buildTime = sw.Elapsed;
        var runs = Stopwatch.StartNew(); // the budget is for the runs: the build is done once, whatever the budget
        var jobs = new List<(int K, int Procs)>();
        for (var k = 0; k < Workloads.Count; k++) foreach (var p in Procs) jobs.Add((k, p));
        var results = new ConcurrentBag<VsGoResult>();
        var done = 0;
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Jobs) }, (job, state) =>
        {
            if (Budget is { } b && runs.Elapsed > b) { state.Stop(); return; }
            results.Add(RunOne(batch, job.K, job.Procs));
            progress?.Invoke(Interlocked.Increment(ref done), jobs.Count);
        });
        var list = results.OrderBy(r => r.Workload).ThenBy(r => r.Procs).ToList();
        // With a budget, keep only workloads that were compared on every GOMAXPROCS.
        var complete = list.GroupBy(r => r.Workload).Where(g => g.Count() == Procs.Count).SelectMany(g => g).ToList();
        return new Summary(complete, buildTime, sw.Elapsed, Workloads.Count, null, batch.Program);
    }

    private VsGoResult RunOne(GoBatch batch, int k, int procs)
    {
        var sw = Stopwatch.StartNew();
        var w = Workloads[k];
        VsGoVerdict verdict = new(VsGoVerdictKind.Error, "not run");
        var attempts = 0;
        foreach (var watchdog in new[] { 250, 3000 })
        {
            attempts++;
            var run = batch.Run(k, procs, procs == 1 ? 0 : -1, watchdog);
            verdict = procs == 1 ? VsGoComparer.CompareOneP(w, batch.Program, run) : VsGoComparer.CompareMultiP(w, batch.Program, run);
            if (verdict.Kind != VsGoVerdictKind.Perturbed) break;
        }
        return new VsGoResult(k, procs, verdict with { Procs = procs }, sw.Elapsed, attempts);
    }
}
