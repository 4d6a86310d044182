using System.CommandLine;
using System.Globalization;
using Conformance.Campaigns;
using Implementation;
using Spectre.Console;

namespace Conformance.Cli;

/// <summary>`checker mutants [--json] [--seed S] [--time-each BUDGET] [--only NAME]`: the mutation score.</summary>
public static class MutantsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "print a JSON summary (killed, total, per-mutant time to detection)" };
        var seed = new Option<ulong>("--seed") { Description = "campaign seed (default 1)", DefaultValueFactory = _ => 1UL };
        var each = CheckCommand.TimeOption("--time-each", "time budget per mutant (default 20s)");
        var only = new Option<string[]>("--only") { Description = "run only these mutants (names as listed)", AllowMultipleArgumentsPerToken = true };
        var isolation = new IsolationOptions();
        var command = new Command("mutants", "Run the campaign against each seeded runtime bug and report how many the checker kills.")
        {
            json, seed, each, only,
        };
        isolation.AddTo(command);
        command.SetAction(parse =>
        {
            var names = parse.GetValue(only) is { Length: > 0 } picked ? picked : [.. Mutants.Names];
            var unknown = names.Where(n => !Mutants.Names.Contains(n)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"checker mutants: --only: no mutant named {string.Join(", ", unknown)} (mutants: {string.Join(", ", Mutants.Names)})");
                return CheckerCli.ExitBadInput;
            }
            if (names.Length == 0) return Run(names, parse.GetValue(seed), parse.GetValue(each) ?? TimeSpan.FromSeconds(20), parse.GetValue(json), null);
            using var pool = isolation.Pool(parse);
            return Run(names, parse.GetValue(seed), parse.GetValue(each) ?? TimeSpan.FromSeconds(20), parse.GetValue(json), pool);
        });
        return command;
    }

    /// <remarks>pool: The worker processes to run in (null: in this process, where a crashing mutant ends the checker).</remarks>
    public static int Run(IReadOnlyList<string> names, ulong seed, TimeSpan each, bool json, Isolation.WorkerPool? pool)
    {
        var check = Conformer.CheckWith(pool);
        var parallelism = pool?.Size ?? 1;
        if (names.Count == 0)
        {
            Console.Error.WriteLine(RuntimeOptions.DiagnosticBuild
                ? "checker mutants: this build of the runtime has no mutants"
                : "checker mutants: seeded bugs exist only in a diagnostic build, never in Release; run: dotnet run --project Conformance -c Debug -- mutants");
            return CheckerCli.ExitBadInput;
        }
        IReadOnlyList<MutantVerdict> results = [];
        if (json)
        {
            results = MutationRun.Run(names, seed, each, 400, check: check, parallelism: parallelism);
        }
        else
        {
            AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("mutants", maxValue: names.Count);
                    results = MutationRun.Run(names, seed, each, 400, (m, p) =>
                    {
                        task.Description = Markup.Escape($"{m}: {p.Done} runs");
                    }, check, parallelism);
                    task.Value = names.Count;
                    task.Description = "mutants: done";
                });
        }

        var killed = results.Count(r => r.Killed);
        if (json)
        {
            Console.WriteLine(CampaignConsole.Json(w =>
            {
                w.WriteNumber("killed", killed);
                w.WriteNumber("total", results.Count);
                w.WriteNumber("seed", seed);
                w.WriteStartArray("mutants");
                foreach (var r in results)
                {
                    w.WriteStartObject();
                    w.WriteString("name", r.Mutant);
                    w.WriteBoolean("killed", r.Killed);
                    w.WriteNumber("secondsToDetection", Math.Round(r.TimeToDetection.TotalSeconds, 3));
                    w.WriteNumber("runs", r.Runs);
                    w.WriteString("verdict", r.Verdict);
                    w.WriteString("replayToken", r.Token);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }));
        }
        else
        {
            var t = new Table().Title("mutation score").Border(TableBorder.Rounded);
            t.AddColumns("mutant", "killed", "time to detection", "runs", "first violation");
            foreach (var r in results)
            {
                t.AddRow(Markup.Escape(r.Mutant), r.Killed ? "[green]yes[/]" : "[red bold]NO[/]",
                    r.TimeToDetection.TotalSeconds.ToString("0.00s", CultureInfo.InvariantCulture), r.Runs.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(r.Verdict.Length > 90 ? r.Verdict[..90] + "…" : r.Verdict));
            }
            AnsiConsole.Write(t);
            AnsiConsole.MarkupLine($"[bold]{killed}/{results.Count} killed[/]");
        }
        return killed == results.Count ? CheckerCli.ExitOk : CheckerCli.ExitViolation;
    }
}
