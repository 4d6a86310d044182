using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Model;
using Model.Checking;
using Model.Workload;
using Spectre.Console;

namespace Conformance.Cli;

/// <summary>
/// `checker explore WORKLOAD-FILE --procs N [--max-states K] [--json]`: explores every interleaving of a workload on
/// the model (breadth-first, all cores) and checks every named invariant in every state. Exit codes: 0 no property
/// breaks, 1 a violation (a deadlock included: Go's "all goroutines are asleep"), 2 bad input (file:line:column) or option.
/// </summary>
public static class ExploreCommand
{
    /// <summary>Largest --procs accepted.</summary>
    public const int MaxProcs = 16;

    public static Command Create()
    {
        var file = new Argument<string>("workload") { Description = "the workload file (plain text; any name)" };
        var procs = new Option<int>("--procs") { Description = "GOMAXPROCS: the number of Ps", DefaultValueFactory = _ => 1 };
        var maxStates = new Option<long>("--max-states") { Description = "stop after this many distinct states", DefaultValueFactory = _ => 50_000_000 };
        var maxDepth = new Option<int>("--max-depth") { Description = "do not expand states this deep", DefaultValueFactory = _ => int.MaxValue };
        var seconds = new Option<double>("--time") { Description = "stop after this many seconds (0: no limit)", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "worker threads (results do not depend on it)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var noSysmon = new Option<bool>("--no-sysmon") { Description = "no sysmon: Ps are never retaken from syscalls, so every syscall exits on the fast path" };
        var fixedStack = new Option<int>("--fixed-stack") { Description = "fixed stacks of this many bytes (the native runtime's) instead of Go's growing ones", DefaultValueFactory = _ => 0 };
        var all = new Option<bool>("--all") { Description = "keep searching after the first violation" };
        var json = new Option<bool>("--json") { Description = "print one JSON object instead of the report" };
        var symmetry = new Option<bool>("--symmetry") { Description = "symmetry reduction: explore states that differ only by goroutine identity once" };
        var liveness = new Option<bool>("--liveness") { Description = "also search depth-first for a run that never ends (L1 under weak fairness)" };
        var command = new Command("explore", "Explore every interleaving of a workload on the model and check its invariants.");
        command.Arguments.Add(file);
        foreach (var o in new Option[] { procs, maxStates, maxDepth, seconds, threads, noSysmon, fixedStack, all, json, liveness, symmetry }) command.Options.Add(o);
        command.SetAction(parse => Execute(new Settings(parse.GetValue(file)!, parse.GetValue(procs), parse.GetValue(maxStates),
            parse.GetValue(maxDepth), parse.GetValue(seconds), parse.GetValue(threads), !parse.GetValue(noSysmon),
            parse.GetValue(fixedStack), parse.GetValue(all), parse.GetValue(json), parse.GetValue(liveness), parse.GetValue(symmetry)), Console.Out, Console.Error));
        return command;
    }

    /// <summary>The verb's options.</summary>
    public sealed record Settings(string Path, int Procs = 1, long MaxStates = 50_000_000, int MaxDepth = int.MaxValue,
        double Seconds = 0, int Threads = 1, bool Sysmon = true, int FixedStack = 0, bool All = false, bool Json = false,
        bool Liveness = false, bool Symmetry = false);

    /// <summary>The verb's work, with its output streams passed in (tests call it directly).</summary>
    public static int Execute(Settings o, TextWriter stdout, TextWriter stderr)
    {
        if (o.Procs < 1 || o.Procs > MaxProcs)
            return Bad($"--procs: {o.Procs} is not a number of Ps between 1 and {MaxProcs}");
        if (o.MaxStates < 1) return Bad($"--max-states: {o.MaxStates} must be at least 1");
        if (o.MaxDepth < 0) return Bad($"--max-depth: {o.MaxDepth} must not be negative");
        if (o.Seconds < 0) return Bad($"--time: {o.Seconds} must not be negative");
        if (o.Threads < 1 || o.Threads > 256) return Bad($"--threads: {o.Threads} must be between 1 and 256");
        if (o.FixedStack != 0 && (o.FixedStack < 4096 || o.FixedStack > 1 << 30))
            return Bad($"--fixed-stack: {o.FixedStack} must be between 4096 and {1 << 30} bytes");

        Workload workload;
        try
        {
            workload = WorkloadFiles.Read(o.Path);
        }
        catch (WorkloadException e)
        {
            return Bad(e.Message);
        }

        var config = new SchedConfig
        {
            Procs = o.Procs,
            Sysmon = o.Sysmon,
            GrowStacks = o.FixedStack == 0,
            StackBytes = o.FixedStack == 0 ? 2048 : o.FixedStack,
            MaxStackBytes = o.FixedStack == 0 ? 1_000_000_000 : o.FixedStack,
            Symmetry = o.Symmetry,
        };
        var model = new SchedModel(workload, config);
        var interactive = !o.Json && !Console.IsErrorRedirected && ReferenceEquals(stderr, Console.Error);
        var options = new CheckerOptions
        {
            Threads = o.Threads,
            MaxStates = o.MaxStates,
            MaxDepth = o.MaxDepth,
            TimeLimit = o.Seconds > 0 ? TimeSpan.FromSeconds(o.Seconds) : null,
            StopAtFirstViolation = !o.All,
        };

        ExploreResult<SchedState, SchedAction> result;
        if (interactive)
        {
            result = null!;
            AnsiConsole.Console.Profile.Out = new AnsiConsoleOutput(Console.Error);
            AnsiConsole.Status().Start($"exploring {Markup.Escape(o.Path)} on {o.Procs} P(s)", ctx =>
            {
                var live = options with { Progress = s => ctx.Status($"exploring: {s}") };
                result = new BfsChecker<SchedState, SchedAction>(model, live).Run();
            });
        }
        else
        {
            if (!o.Json)
            {
                var log = TextWriter.Synchronized(stderr);
                options = options with { Progress = s => log.WriteLine($"  ... {s}"), ProgressInterval = TimeSpan.FromSeconds(2) };
            }
            result = new BfsChecker<SchedState, SchedAction>(model, options).Run();
        }

        var cycles = o.Liveness ? new CycleChecker<SchedState, SchedAction>(model, Math.Min(o.MaxStates, 20_000_000)).Run() : null;
        if (o.Json) stdout.WriteLine(Json(o, model, result, cycles));
        else Report(o, model, result, cycles, stdout);
        return result.Violations.Count > 0 || cycles?.Found is not null ? CheckerCli.ExitViolation : CheckerCli.ExitOk;

        int Bad(string message)
        {
            stderr.WriteLine($"checker explore: {message}");
            return CheckerCli.ExitBadInput;
        }
    }

    private static string Verdict(ExploreResult<SchedState, SchedAction> r) =>
        r.Violations.Any(v => !v.IsDeadlock) ? "VIOLATION"
        : r.Violations.Count > 0 ? "DEADLOCK"
        : r.Exhausted ? "OK: every reachable state satisfies every property"
        : $"OK so far: no property broke before the search stopped ({r.StoppedBy})";

    private static void Report(Settings o, SchedModel model, ExploreResult<SchedState, SchedAction> r,
        CycleChecker<SchedState, SchedAction>.Result? cycles, TextWriter w)
    {
        var inv = model.Invariants;
        w.WriteLine($"checker explore {o.Path}: {o.Procs} P(s), sysmon {(o.Sysmon ? "on" : "off")}, " +
                    (o.FixedStack == 0 ? "growing stacks" : $"fixed {o.FixedStack}-byte stacks") + $", {r.Threads} thread(s)" +
                    (o.Symmetry ? ", symmetry reduction" : ""));
        w.WriteLine();
        w.WriteLine($"  distinct states   {r.Distinct.ToString("N0", CultureInfo.InvariantCulture)}");
        w.WriteLine($"  generated         {r.Generated.ToString("N0", CultureInfo.InvariantCulture)}");
        w.WriteLine($"  states/s          {r.StatesPerSecond.ToString("N0", CultureInfo.InvariantCulture)}");
        w.WriteLine($"  time              {r.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
        w.WriteLine($"  max depth         {r.MaxDepth}");
        w.WriteLine($"  end states        {r.TerminalStates.ToString("N0", CultureInfo.InvariantCulture)}");
        w.WriteLine($"  deadlocks         {r.Deadlocks.ToString("N0", CultureInfo.InvariantCulture)}");
        w.WriteLine($"  properties        {inv.Count} checked ({inv.Count(p => p.Kind == PropertyKind.Always)} in every state, {inv.Count(p => p.Kind == PropertyKind.AtEnd)} at the end)");
        w.WriteLine($"  search            {(r.Exhausted ? "complete" : "stopped: " + r.StoppedBy)}");
        if (cycles is not null)
            w.WriteLine($"  liveness (L1)     " + (cycles.Found is not null ? "VIOLATION: a run that never ends"
                : cycles.Exhausted ? $"every run ends ({cycles.States.ToString("N0", CultureInfo.InvariantCulture)} states searched depth-first)"
                : $"no endless run within {cycles.States.ToString("N0", CultureInfo.InvariantCulture)} states (bound reached)"));
        w.WriteLine($"  verdict           {Verdict(r)}");
        if (cycles?.Found is { } lasso)
        {
            w.WriteLine();
            w.WriteLine($"Liveness: a run that never ends{(lasso.WeaklyFair ? " (weakly fair)" : " (not weakly fair: some M is neglected)")}: " +
                        $"{lasso.Stem.Actions.Count} step(s) to a state, then forever: {string.Join(", ", lasso.Cycle)}");
            WritePath(model, lasso.Stem, w);
        }
        foreach (var v in r.Violations)
        {
            w.WriteLine();
            var fatal = v.Path.Last.Fatal;
            w.WriteLine($"{(v.IsDeadlock ? "Deadlock" : "Violation")}: {v.Property} ({v.Count.ToString("N0", CultureInfo.InvariantCulture)} state(s))" +
                        (fatal != Throw.None ? $": {v.Path.Last.FatalText.Split('\n')[0]}" : ""));
            w.WriteLine($"Shortest counterexample, {v.Path.Actions.Count} step(s), with the events and the state diff of each step:");
            WritePath(model, v.Path, w);
        }
    }

    /// <summary>The path as "Path[n]:", the initial state, then per step the action, its events and what changed.</summary>
    private static void WritePath(SchedModel model, Model.Checking.Path<SchedState, SchedAction> path, TextWriter w)
    {
        w.WriteLine($"Path[{path.Actions.Count}]:");
        foreach (var line in path.States[0].Lines()) w.WriteLine($"    {line}");
        for (var i = 0; i < path.Actions.Count; i++)
        {
            w.WriteLine($"- {path.Actions[i]}");
            var (_, events) = model.Step(path.States[i], path.Actions[i]);
            foreach (var e in events) w.WriteLine($"    | {e}");
            foreach (var line in SchedState.Diff(path.States[i], path.States[i + 1])) w.WriteLine($"    {line}");
        }
    }

    private static string Json(Settings o, SchedModel model, ExploreResult<SchedState, SchedAction> r,
        CycleChecker<SchedState, SchedAction>.Result? cycles)
    {
        var doc = new Dictionary<string, object?>
        {
            ["workload"] = o.Path,
            ["procs"] = o.Procs,
            ["sysmon"] = o.Sysmon,
            ["symmetry"] = o.Symmetry,
            ["threads"] = r.Threads,
            ["distinctStates"] = r.Distinct,
            ["generatedStates"] = r.Generated,
            ["statesPerSecond"] = Math.Round(r.StatesPerSecond),
            ["elapsedSeconds"] = Math.Round(r.Elapsed.TotalSeconds, 3),
            ["maxDepth"] = r.MaxDepth,
            ["terminalStates"] = r.TerminalStates,
            ["deadlocks"] = r.Deadlocks,
            ["exhausted"] = r.Exhausted,
            ["stoppedBy"] = r.StoppedBy,
            ["properties"] = model.Invariants.Select(p => p.Name).ToArray(),
            ["liveness"] = cycles is null ? null : new Dictionary<string, object?>
            {
                ["exhausted"] = cycles.Exhausted,
                ["states"] = cycles.States,
                ["stem"] = cycles.Found?.Stem.Actions.Select(a => a.ToString()).ToArray(),
                ["cycle"] = cycles.Found?.Cycle.Select(a => a.ToString()).ToArray(),
                ["weaklyFair"] = cycles.Found?.WeaklyFair,
            },
            ["verdict"] = r.Violations.Any(v => !v.IsDeadlock) ? "violation" : r.Violations.Count > 0 ? "deadlock" : "ok",
            ["violations"] = r.Violations.Select(v => new Dictionary<string, object?>
            {
                ["property"] = v.Property,
                ["deadlock"] = v.IsDeadlock,
                ["count"] = v.Count,
                ["depth"] = v.Path.Actions.Count,
                ["fatal"] = v.Path.Last.Fatal == Throw.None ? null : v.Path.Last.Fatal.Message(),
                ["path"] = v.Path.Actions.Select(a => a.ToString()).ToArray(),
                ["state"] = v.Path.Last.Lines(),
            }).ToArray(),
        };
        return JsonSerializer.Serialize(doc, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
