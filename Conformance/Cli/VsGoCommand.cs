using System.CommandLine;
using System.Globalization;
using Conformance.Generators;
using Conformance.GoSide;
using Model.Workload;

namespace Conformance.Cli;

/// <summary>
/// `checker vs-go WORKLOAD` / `checker vs-go --count N [--seed S] [--procs 1,2,4] [--jobs J] [--time T]`: translates
/// workloads into one Go 1.19 program, runs each under Go's execution tracer and holds it against the model (one P:
/// run-slice order and outcome must be equal; several Ps: the status projection). Generated workloads have their
/// syscalls removed (time-dependent). Exit codes: 0 every run agreed or differs only in a listed known way
/// (docs/go-vs-model.md), 1 an unexplained disagreement or a run that could not be judged, 2 bad input or Go 1.19 missing.
/// </summary>
public static class VsGoCommand
{
    public static Command Create()
    {
        var file = new Argument<string?>("workload") { Description = "a workload file (else --count generated ones)", Arity = ArgumentArity.ZeroOrOne };
        var count = new Option<string>("--count") { Description = "how many generated syscall-free workloads (default 50)" };
        var seed = new Option<string>("--seed") { Description = "seed of the generator (default 1)" };
        var procs = new Option<string>("--procs") { Description = "GOMAXPROCS values, e.g. 1,2,4 (default 1)" };
        var jobs = new Option<string>("--jobs") { Description = "Go programs run at once (default 2)" };
        var time = new Option<string>("--time") { Description = "stop starting runs after this long (90s, 2m)" };
        var noInstall = new Option<bool>("--no-install") { Description = "do not try to install Go when it is missing" };
        var verbose = new Option<bool>("--verbose") { Description = "print every run's verdict" };
        var command = new Command("vs-go", "Run workloads on Go 1.19's own runtime under its execution tracer and compare with the model.")
        {
            file, count, seed, procs, jobs, time, noInstall, verbose,
        };
        command.SetAction(parse => Execute(parse.GetValue(file), parse.GetValue(count), parse.GetValue(seed), parse.GetValue(procs),
            parse.GetValue(jobs), parse.GetValue(time), !parse.GetValue(noInstall), Console.Out, Console.Error, parse.GetValue(verbose)));
        return command;
    }

    public static int Execute(string? path, string? countText, string? seedText, string? procsText, string? jobsText, string? timeText,
        bool install, TextWriter o, TextWriter err, bool verbose = false)
    {
        var count = 50;
        if (countText is not null && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1 || count > 100_000))
            return Bad(err, $"--count: '{countText}' is not a number of workloads between 1 and 100000");
        if (path is not null && countText is not null) return Bad(err, "give either a workload file or --count, not both");
        ulong seed = 1;
        if (seedText is not null && !OptionParsing.TryParseSeed(seedText, out seed, out var seedError)) return Bad(err, seedError);
        IReadOnlyList<int> procs = [1];
        if (procsText is not null && !OptionParsing.TryParseProcs(procsText, out procs, out var procsError)) return Bad(err, procsError);
        var jobs = 2;
        if (jobsText is not null && (!int.TryParse(jobsText, NumberStyles.None, CultureInfo.InvariantCulture, out jobs) || jobs < 1 || jobs > 64))
            return Bad(err, $"--jobs: '{jobsText}' is not a number between 1 and 64");
        TimeSpan? budget = null;
        if (timeText is not null)
        {
            if (!OptionParsing.TryParseDuration("--time", timeText, out var b, out var timeError)) return Bad(err, timeError);
            budget = b;
        }

        List<Workload> workloads;
        if (path is not null)
        {
            try { workloads = [WorkloadFiles.Read(path)]; }
            catch (WorkloadException e) { return Bad(err, e.Message); }
            var problems = WorkloadValidator.Problems(workloads[0]);
            if (problems.Count > 0) return Bad(err, $"{path}: {string.Join("; ", problems)}");
            if (SyscallFree.Has(workloads[0]) && procs.Contains(1))
                o.WriteLine($"note: {path} has syscalls; on one P they matter only through sysmon's retake, which depends on time (the model runs with sysmon off)");
        }
        else
        {
            workloads = Generate(count, seed);
        }

        var go = GoToolchain.Find(install, out var reason);
        if (go is null)
        {
            err.WriteLine($"checker vs-go: Go 1.19 is not available: {reason}");
            return CheckerCli.ExitBadInput;
        }
        o.WriteLine($"checker vs-go: {workloads.Count} workload{(workloads.Count == 1 ? "" : "s")} on {go.Version}, GOMAXPROCS {string.Join(",", procs)}" +
                    (path is null ? $", generated syscall-free, seed {seed}" : ""));
        var campaign = new VsGoCampaign { Go = go, Workloads = workloads, Procs = procs, Jobs = jobs, Budget = budget };
        var summary = campaign.Run();
        if (summary.BuildError is not null)
        {
            err.WriteLine($"checker vs-go: the generated Go program did not build (a bug of the translation):\n{summary.BuildError}");
            return CheckerCli.ExitInternalError;
        }
        if (verbose)
            foreach (var r in summary.Results)
                o.WriteLine($"workload {r.Workload} on {r.Procs}P: {r.Verdict.Kind}{(r.Attempts > 1 ? $" (attempt {r.Attempts})" : "")}: {r.Verdict.Message}; Go {r.Verdict.GoOutcome}");
        Print(summary, workloads, procs, o);
        return summary.Unexplained > 0 || summary.Errors > 0 ? CheckerCli.ExitViolation : CheckerCli.ExitOk;
    }

    /// <summary>Generated workloads of every shape, syscalls removed.</summary>
    public static List<Workload> Generate(int count, ulong seed) =>
        [.. WorkloadGen.Sample(WorkloadGen.Any, 20, seed, count).Select(SyscallFree.Of)];

    public static void Print(VsGoCampaign.Summary s, IReadOnlyList<Workload> workloads, IReadOnlyList<int> procs, TextWriter o)
    {
        var ic = CultureInfo.InvariantCulture;
        foreach (var r in s.Results.Where(r => r.Verdict.Kind is VsGoVerdictKind.Disagree or VsGoVerdictKind.Error).Take(10))
        {
            var v = r.Verdict;
            o.WriteLine();
            o.WriteLine($"{(v.Kind == VsGoVerdictKind.Disagree ? "DISAGREE" : "ERROR")} workload {r.Workload} on {r.Procs} P{(r.Procs == 1 ? "" : "s")}" +
                        (v.Known is { } k ? $" (known difference '{k}', docs/go-vs-model.md)" : "") + $": {v.Message}");
            if (v.GoOrder.Count > 0 || v.ModelOrder.Count > 0)
            {
                o.WriteLine($"  Go's run order:    {string.Join(" ", v.GoOrder.Select(g => $"g{g}"))}");
                o.WriteLine($"  model's run order: {string.Join(" ", v.ModelOrder.Select(g => $"g{g}"))}");
            }
            if (v.GoOutcome.Length > 0) o.WriteLine($"  Go: {v.GoOutcome}");
            if (v.ModelOutcome.Length > 0) o.WriteLine($"  model: {v.ModelOutcome}");
            o.WriteLine("  workload:");
            foreach (var line in WorkloadPrinter.Print(workloads[r.Workload]).Split('\n', StringSplitOptions.RemoveEmptyEntries)) o.WriteLine("    " + line);
        }
        o.WriteLine();
        o.WriteLine("procs  agree  disagree (known)  perturbed  errors");
        foreach (var p in procs)
        {
            var known = s.Results.Count(r => r.Procs == p && r.Verdict.Kind == VsGoVerdictKind.Disagree && r.Verdict.Known is not null);
            o.WriteLine($"{p,5}  {s.Count(p, VsGoVerdictKind.Agree),5}  {s.Count(p, VsGoVerdictKind.Disagree),8} ({known,3})  {s.Count(p, VsGoVerdictKind.Perturbed),9}  {s.Count(p, VsGoVerdictKind.Error),6}");
        }
        var compared = s.Results.Select(r => r.Workload).Distinct().Count();
        o.WriteLine($"{compared} of {s.Workloads} workloads compared in {s.Elapsed.TotalSeconds.ToString("0.0", ic)} s (build {s.BuildTime.TotalSeconds.ToString("0.0", ic)} s): " +
                    $"{s.WorkloadsPerMinute.ToString("N0", ic)} workloads/min");
        foreach (var g in s.Results.Where(r => r.Verdict.Known is not null).GroupBy(r => r.Verdict.Known))
            o.WriteLine($"known difference '{g.Key}': {g.Count()} run{(g.Count() == 1 ? "" : "s")} (docs/go-vs-model.md)");
    }

    private static int Bad(TextWriter err, string message)
    {
        err.WriteLine($"checker vs-go: {message}");
        return CheckerCli.ExitBadInput;
    }
}
