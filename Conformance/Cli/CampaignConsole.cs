using System.Globalization;
using System.Text.Json;
using Conformance.Campaigns;
using Spectre.Console;

namespace Conformance.Cli;

/// <summary>Shows a campaign to people (a Spectre.Console progress bar and summary tables) or to machines (JSON).</summary>
public static class CampaignConsole
{
    /// <summary>Runs <paramref name="run"/> under a progress bar when the terminal is interactive; plain otherwise.</summary>
    public static CampaignResult WithProgress(string title, Func<Action<CampaignProgress>, CampaignResult> run, bool quiet)
    {
        if (quiet) return run(_ => { });
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastReport = DateTime.MinValue;
            return run(p =>
            {
                if (DateTime.UtcNow - lastReport < TimeSpan.FromSeconds(5)) return;
                lastReport = DateTime.UtcNow;
                Console.Error.WriteLine($"{title}: {p.Done}/{p.Total} runs, {p.Events:N0} events, {p.Violations} violations, {p.Elapsed.TotalSeconds:0}s");
            });
        }
        CampaignResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                result = run(p =>
                {
                    var byCount = p.Total > 0 ? (double)p.Done / p.Total : 0;
                    var byTime = p.Budget is { } b && b > TimeSpan.Zero ? p.Elapsed / b : 0;
                    task.Value = Math.Min(1, Math.Max(byCount, byTime));
                    task.Description = Markup.Escape($"{title}: {p.Done} runs, {p.Events:N0} events, {p.Violations} violations - {p.Doing}");
                });
                task.Value = 1;
                task.Description = Markup.Escape($"{title}: done");
            });
        return result!;
    }

    /// <summary>The summary tables: per GOMAXPROCS, per shape, then each finding with its report and replay token.</summary>
    public static void PrintSummary(CampaignResult r)
    {
        var t = new Table().Title("conformance check").Border(TableBorder.Rounded);
        t.AddColumns("GOMAXPROCS", "runs", "events checked", "completed", "deadlocks", "violations");
        foreach (var (procs, tally) in r.ByProcs.OrderBy(k => k.Key))
            t.AddRow(procs.ToString(CultureInfo.InvariantCulture), N(tally.Runs), N(tally.Events), N(tally.Completed), N(tally.Deadlocks), Violations(tally.Violations));
        t.AddRow("[bold]all[/]", N(r.Runs), N(r.Events), N(r.ByProcs.Values.Sum(x => x.Completed)), N(r.ByProcs.Values.Sum(x => x.Deadlocks)), Violations(r.Violations));
        AnsiConsole.Write(t);

        if (r.ByShape.Count > 1)
        {
            var s = new Table().Title("by workload shape").Border(TableBorder.Rounded);
            s.AddColumns("shape", "runs", "events", "violations");
            foreach (var (shape, tally) in r.ByShape.OrderBy(k => k.Key, StringComparer.Ordinal))
                s.AddRow(Markup.Escape(shape), N(tally.Runs), N(tally.Events), Violations(tally.Violations));
            AnsiConsole.Write(s);
        }

        AnsiConsole.MarkupLine(Markup.Escape(
            $"{r.Runs} runs in {r.Elapsed.TotalSeconds:0.0}s ({r.RunsPerMinute:N0} workloads/min); " +
            $"{r.Events:N0} events checked at {r.EventsPerSecond:N0} events/s of checking time" +
            (r.StoppedByBudget ? "; stopped by the time budget" : "")));
        var edges = r.Coverage.Snapshot();
        AnsiConsole.MarkupLine(Markup.Escape($"status edges taken: {string.Join(", ", edges.Select(e => $"{e.Key.From}->{e.Key.To} x{e.Value:N0}"))}"));

        foreach (var f in r.Findings)
        {
            AnsiConsole.MarkupLine($"[red bold]violation[/] {Markup.Escape(f.Result.Verdict)}");
            if (f.ReportFolder is not null) AnsiConsole.MarkupLine($"  report: [link]{Markup.Escape(Path.GetFullPath(f.ReportFolder))}[/]");
            // Written past Spectre so the token is never wrapped: it must survive a copy and paste whole.
            Console.Out.Flush();
            Console.WriteLine("  replay: checker replay " + f.Token);
        }
        if (r.Violations > r.Findings.Count)
            AnsiConsole.MarkupLine(Markup.Escape($"  ({r.Violations - r.Findings.Count} more violations were counted but not shrunk or reported)"));
        AnsiConsole.MarkupLine(r.Violations == 0 ? "[green bold]everything conformed[/]" : $"[red bold]{r.Violations} violation(s)[/]");
    }

    /// <summary>The machine-readable summary of `check --json`.</summary>
    /// <remarks>workers: the worker processes the runs executed in (0: in the checker's process).</remarks>
    public static void WriteJson(Utf8JsonWriter w, CampaignResult r, int workers = 0)
    {
        w.WriteNumber("workloads", r.Runs);
        w.WriteNumber("workers", workers);
        w.WriteNumber("events", r.Events);
        w.WriteNumber("violations", r.Violations);
        w.WriteNumber("seed", r.Options.Seed);
        w.WriteNumber("elapsedSeconds", Math.Round(r.Elapsed.TotalSeconds, 3));
        w.WriteNumber("eventsPerSecond", Math.Round(r.EventsPerSecond));
        w.WriteNumber("workloadsPerMinute", Math.Round(r.RunsPerMinute, 1));
        w.WriteBoolean("stoppedByBudget", r.StoppedByBudget);
        w.WriteStartObject("byProcs");
        foreach (var (procs, t) in r.ByProcs.OrderBy(k => k.Key))
        {
            w.WriteStartObject(procs.ToString(CultureInfo.InvariantCulture));
            w.WriteNumber("workloads", t.Runs);
            w.WriteNumber("events", t.Events);
            w.WriteNumber("violations", t.Violations);
            w.WriteNumber("completed", t.Completed);
            w.WriteNumber("deadlocks", t.Deadlocks);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartArray("findings");
        foreach (var f in r.Findings)
        {
            w.WriteStartObject();
            w.WriteString("verdict", f.Result.Verdict);
            w.WriteString("shape", f.Shape?.ToString());
            w.WriteNumber("run", f.RunIndex);
            w.WriteNumber("shrinkSteps", f.ShrinkSteps);
            w.WriteString("report", f.ReportFolder is null ? null : Path.GetFullPath(f.ReportFolder));
            w.WriteString("replayToken", f.Token);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static string Json(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Violations(int n) => n == 0 ? "[green]0[/]" : $"[red bold]{n}[/]";
}
