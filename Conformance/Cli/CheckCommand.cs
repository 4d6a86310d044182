using System.CommandLine;
using System.CommandLine.Parsing;
using Conformance.Campaigns;
using Model.Workload;
using Spectre.Console;

namespace Conformance.Cli;

/// <summary>
/// `checker check [--count N] [--procs 1,2,4] [--seed S] [--time BUDGET] [--workload FILE] [--json] [--reports DIR]`:
/// a conformance campaign of generated workloads (or of one workload under many schedules).
/// </summary>
public static class CheckCommand
{
    public const int DefaultCount = 300;

    public static Command Create()
    {
        var count = new Option<int>("--count")
        {
            Description = $"how many runs (workload × GOMAXPROCS × schedule) at most (default {DefaultCount})",
            DefaultValueFactory = _ => DefaultCount,
            CustomParser = r =>
            {
                if (int.TryParse(r.Tokens[0].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
                    return n;
                r.AddError($"--count: '{r.Tokens[0].Value}' is not a number of runs (a whole number, at least 1)");
                return 0;
            },
        };
        var procs = ProcsOption();
        var seed = SeedOption();
        var time = TimeOption("--time", "stop starting runs after this long: 90s, 2m, 1m30s (default: no limit)");
        var workload = new Option<FileInfo?>("--workload") { Description = "check this workload file under many schedules instead of generated workloads" };
        workload.AcceptLegalFilePathsOnly();
        var json = new Option<bool>("--json") { Description = "print a JSON summary (workloads, events, violations, ...) instead of tables" };
        var reports = new Option<string>("--reports")
        {
            Description = $"folder for violation reports (default {Reports.ReportWriter.DefaultRoot})",
            DefaultValueFactory = _ => Reports.ReportWriter.DefaultRoot,
        };

        var isolation = new IsolationOptions();
        var command = new Command("check", "Run generated workloads on the native runtime and check every event against the model.")
        {
            count, procs, seed, time, workload, json, reports,
        };
        isolation.AddTo(command);
        command.SetAction(parse =>
        {
            Workload? w = null;
            if (parse.GetValue(workload) is { } file)
            {
                try { w = WorkloadFiles.Read(file.FullName); }
                catch (WorkloadException e)
                {
                    Console.Error.WriteLine($"checker check: --workload: {e.Message}");
                    return CheckerCli.ExitBadInput;
                }
            }
            var options = new CampaignOptions
            {
                Count = parse.GetValue(count),
                Procs = parse.GetValue(procs)!,
                Seed = parse.GetValue(seed),
                Budget = parse.GetValue(time),
                Workload = w,
                ReportRoot = parse.GetValue(reports),
            };
            using var pool = isolation.Pool(parse);
            return Run(options, parse.GetValue(json), pool);
        });
        return command;
    }

    /// <summary>Runs a check campaign and prints it; the exit code says whether everything conformed.</summary>
    /// <remarks>pool: The worker processes to run in (null: in this process).</remarks>
    public static int Run(CampaignOptions options, bool json, Isolation.WorkerPool? pool)
    {
        if (!json)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"checker check: up to {options.Count} runs on GOMAXPROCS {string.Join(",", options.Procs)}, seed {options.Seed}" +
                (options.Budget is { } b ? $", budget {b.TotalSeconds:0}s" : "") + $", build {Replay.BuildId.Current}, " +
                (pool is null ? "in process" : $"{pool.Size} worker process{(pool.Size > 1 ? "es" : "")}")));
        }
        var result = CampaignConsole.WithProgress("check", p => Conformer.NewCampaign(pool).Run(options, p), quiet: json);
        if (json) Console.WriteLine(CampaignConsole.Json(wr => CampaignConsole.WriteJson(wr, result, pool?.Size ?? 0)));
        else CampaignConsole.PrintSummary(result);
        return result.Violations == 0 ? CheckerCli.ExitOk : CheckerCli.ExitViolation;
    }

    public static Option<IReadOnlyList<int>> ProcsOption() => new("--procs")
    {
        Description = "GOMAXPROCS values to use in turn, e.g. 1,2,4 (default 1,2,4)",
        DefaultValueFactory = _ => [1, 2, 4],
        CustomParser = r =>
        {
            if (OptionParsing.TryParseProcs(r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Join(",", r.Tokens.Select(t => t.Value)), out var list, out var error))
                return list;
            r.AddError(error);
            return null;
        },
    };

    public static Option<ulong> SeedOption() => new("--seed")
    {
        Description = "campaign seed; the same seed gives the same workloads and schedules (default: from the clock, printed)",
        DefaultValueFactory = _ => (ulong)DateTime.UtcNow.Ticks % 1_000_000_007UL,
        CustomParser = r =>
        {
            if (OptionParsing.TryParseSeed(r.Tokens[0].Value, out var s, out var error)) return s;
            r.AddError(error);
            return 0;
        },
    };

    public static Option<TimeSpan?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            if (OptionParsing.TryParseDuration(name, r.Tokens[0].Value, out var d, out var error)) return d;
            r.AddError(error);
            return null;
        },
    };
}
