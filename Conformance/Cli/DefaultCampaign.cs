using System.Globalization;
using Conformance.Campaigns;
using Model;
using Model.Checking;
using Model.Workload;
using Spectre.Console;

namespace Conformance.Cli;

/// <summary>
/// The default campaign (no arguments): an exhaustive model check of a small workload on 2 Ps with sysmon, then a
/// conformance check of generated workloads on 1, 2 and 4 Ps under a time budget, then one summary table. About a
/// minute on a 2-core machine.
/// </summary>
public static class DefaultCampaign
{
    /// <summary>The workload the exhaustive part explores: two workers that yield, make a syscall and signal main.</summary>
    public const string ExploreWorkload = "main {\n  go worker\n  go worker\n  acquire done\n  acquire done\n}\nworker {\n  yield\n  syscall 1\n  release done\n}\n";

    public static TimeSpan ExploreBudget { get; set; } = TimeSpan.FromSeconds(12);
    public static TimeSpan CheckBudget { get; set; } = TimeSpan.FromSeconds(45);
    /// <summary>The vs-go part's budget: generated syscall-free workloads on Go 1.19, one P.</summary>
    public static TimeSpan VsGoBudget { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The vs-go part: its summary, or null with the reason it was skipped (Go 1.19 missing, say).</summary>
    public static (GoSide.VsGoCampaign.Summary? Summary, string Skipped) VsGo(ulong seed, TimeSpan budget)
    {
        var go = GoSide.GoToolchain.Find(install: false, out var reason);
        if (go is null) return (null, reason);
        var campaign = new GoSide.VsGoCampaign { Go = go, Workloads = VsGoCommand.Generate(100, seed), Procs = [1], Budget = budget };
        var summary = campaign.Run();
        return summary.BuildError is null ? (summary, "") : (null, "the generated Go program did not build: " + summary.BuildError.Split('\n')[0]);
    }

    /// <summary>The exhaustive part's result, in the summary's terms.</summary>
    public sealed record ExploreSummary(long Distinct, int Depth, long Deadlocks, bool Exhausted, IReadOnlyList<string> Violations, TimeSpan Elapsed);

    public static ExploreSummary Explore(TimeSpan budget, Action<CheckerStats>? progress = null)
    {
        var model = new SchedModel(WorkloadParser.Parse(ExploreWorkload, "default campaign"), new SchedConfig { Procs = 2, Sysmon = true });
        var result = new BfsChecker<SchedState, SchedAction>(model, new CheckerOptions
        {
            Threads = Math.Max(1, Environment.ProcessorCount),
            TimeLimit = budget,
            StopAtFirstViolation = false,
            Progress = progress,
        }).Run();
        return new ExploreSummary(result.Distinct, result.MaxDepth, result.Deadlocks, result.Exhausted,
            [.. result.Violations.Where(v => !v.IsDeadlock).Select(v => v.Property)], result.Elapsed);
    }

    /// <remarks>pool: The worker processes the check part runs in (null: in this process).</remarks>
    public static int Run(Isolation.WorkerPool? pool)
    {
        var seed = (ulong)DateTime.UtcNow.Ticks % 1_000_000_007UL;
        AnsiConsole.MarkupLine(Markup.Escape($"checker: default campaign, seed {seed}, build {Replay.BuildId.Current}, " +
            (pool is null ? "runs in process" : $"runs in {pool.Size} worker process{(pool.Size > 1 ? "es" : "")}")));

        ExploreSummary? explore = null;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("explore: model, 2 Ps, sysmon", maxValue: ExploreBudget.TotalSeconds);
                explore = Explore(ExploreBudget, s =>
                {
                    task.Value = Math.Min(task.MaxValue, s.Elapsed.TotalSeconds);
                    task.Description = Markup.Escape($"explore: {s.Distinct:N0} states, depth {s.Depth}");
                });
                task.Value = task.MaxValue;
            });

        var options = new CampaignOptions { Count = 100_000, Procs = [1, 2, 4], Seed = seed, Budget = CheckBudget };
        var check = CampaignConsole.WithProgress("check: runtime vs model, 1/2/4 Ps", p => Conformer.NewCampaign(pool).Run(options, p), quiet: false);

        var (vsGo, vsGoSkipped) = VsGo(seed, VsGoBudget);
        if (vsGo is null) AnsiConsole.MarkupLine(Markup.Escape($"vs-go: skipped: {vsGoSkipped}"));

        var t = new Table().Title("default campaign").Border(TableBorder.Rounded);
        t.AddColumns("part", "what", "result", "time");
        var e = explore!;
        t.AddRow("explore", Markup.Escape($"every state of a 2-worker workload on 2 Ps with sysmon"),
            Markup.Escape($"{e.Distinct:N0} states, depth {e.Depth}, {e.Deadlocks:N0} deadlocked ends, {(e.Exhausted ? "exhaustive" : "stopped by its time limit")}") +
            (e.Violations.Count == 0 ? ", [green]every invariant holds[/]" : $", [red bold]broken: {Markup.Escape(string.Join(", ", e.Violations))}[/]"),
            e.Elapsed.TotalSeconds.ToString("0.0s", CultureInfo.InvariantCulture));
        foreach (var (procs, tally) in check.ByProcs.OrderBy(k => k.Key))
        {
            t.AddRow($"check {procs}P", Markup.Escape($"{tally.Runs} generated workloads, controlled schedules"),
                Markup.Escape($"{tally.Events:N0} events checked, {tally.Completed} completed, {tally.Deadlocks} deadlocked, ") +
                (tally.Violations == 0 ? "[green]0 violations[/]" : $"[red bold]{tally.Violations} violations[/]"), "");
        }
        t.AddRow("check", "all", Markup.Escape($"{check.Runs} runs, {check.RunsPerMinute:N0} workloads/min, {check.EventsPerSecond:N0} events/s checked"),
            check.Elapsed.TotalSeconds.ToString("0.0s", CultureInfo.InvariantCulture));
        if (vsGo is { } v)
        {
            var compared = v.Results.Count;
            var known = v.Results.Count(r => r.Verdict.Known is not null);
            t.AddRow("vs-go 1P", Markup.Escape($"{compared} generated syscall-free workloads on Go 1.19's own runtime"),
                Markup.Escape($"{v.Count(1, GoSide.VsGoVerdictKind.Agree)} same run order and outcome, {known} known differences, " +
                              $"{v.Count(1, GoSide.VsGoVerdictKind.Perturbed)} perturbed, {v.WorkloadsPerMinute:N0} workloads/min, ") +
                (v.Unexplained + v.Errors == 0 ? "[green]0 unexplained[/]" : $"[red bold]{v.Unexplained + v.Errors} unexplained[/]"),
                v.Elapsed.TotalSeconds.ToString("0.0s", CultureInfo.InvariantCulture));
        }
        else
        {
            t.AddRow("vs-go", "Go 1.19's own runtime", Markup.Escape($"skipped: {vsGoSkipped}"), "");
        }
        AnsiConsole.Write(t);
        CampaignConsole.PrintSummary(check);
        var goOk = vsGo is null || vsGo.Unexplained + vsGo.Errors == 0;
        return e.Violations.Count == 0 && check.Violations == 0 && goOk ? CheckerCli.ExitOk : CheckerCli.ExitViolation;
    }
}
