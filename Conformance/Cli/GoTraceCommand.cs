using System.CommandLine;
using System.Globalization;
using Conformance.GoSide;

namespace Conformance.Cli;

/// <summary>
/// `checker gotrace FILE`: reads a Go 1.19 execution trace (runtime/trace, `go test -trace`), merges it into one
/// consistent order, and prints a summary (events by kind, Ps, goroutines) and each goroutine's status history, the
/// program's goroutines first and the runtime's own set apart. Exit codes: 0 read, 2 not a readable Go 1.19 trace
/// (the message names the file and the byte offset).
/// </summary>
public static class GoTraceCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("trace") { Description = "a Go 1.19 execution trace (binary, as runtime/trace writes it)" };
        var command = new Command("gotrace", "Read a Go 1.19 execution trace: summary and each goroutine's status history.");
        command.Arguments.Add(file);
        command.SetAction(parse => Execute(parse.GetValue(file)!, Console.Out, Console.Error));
        return command;
    }

    public static int Execute(string path, TextWriter stdout, TextWriter stderr)
    {
        GoTrace trace;
        try
        {
            trace = GoTraceReader.ReadFile(path);
        }
        catch (GoTraceException e)
        {
            stderr.WriteLine($"checker gotrace: {e.Message}");
            return CheckerCli.ExitBadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"checker gotrace: cannot read '{path}': {e.Message}");
            return CheckerCli.ExitBadInput;
        }
        Print(trace, path, stdout);
        return CheckerCli.ExitOk;
    }

    /// <summary>The human summary.</summary>
    public static void Print(GoTrace trace, string name, TextWriter o)
    {
        var ic = CultureInfo.InvariantCulture;
        var duration = trace.Events.Count == 0 ? 0 : trace.NanosAt(trace.Events[^1]) / 1e6;
        o.WriteLine($"{name}: Go 1.19 execution trace, {trace.Events.Count} events, {trace.Procs.Count} P{(trace.Procs.Count == 1 ? "" : "s")} " +
                    $"({string.Join(",", trace.Procs.Select(p => $"p{p}"))}), {trace.TicksPerSecond.ToString("N0", ic)} ticks/s, {duration.ToString("0.###", ic)} ms");
        o.WriteLine("events by kind: " + string.Join(", ", trace.Events.GroupBy(e => e.Type).OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => $"{g.Key} {g.Count()}")));
        var user = trace.Goroutines.Where(g => g.Kind != GoGoroutineKind.System).ToList();
        var system = trace.Goroutines.Where(g => g.Kind == GoGoroutineKind.System).ToList();
        o.WriteLine($"goroutines: {trace.Goroutines.Count} ({user.Count} of the program, {system.Count} of the runtime)");
        o.WriteLine();
        o.WriteLine("the program's goroutines:");
        foreach (var g in user) PrintG(g, o);
        o.WriteLine();
        o.WriteLine("the runtime's own goroutines (start function in package runtime or runtime/trace):");
        foreach (var g in system) PrintG(g, o);
    }

    private static void PrintG(GoGoroutine g, TextWriter o)
    {
        var origin = g.ExistedAtStart ? "existed when tracing started" : $"created by g{g.CreatedBy}";
        var main = g.Kind == GoGoroutineKind.Main ? ", the main goroutine" : "";
        o.WriteLine($"  g{g.Goid} {g.StartFunction} ({origin}{main}; {g.Starts.Count} run slice{(g.Starts.Count == 1 ? "" : "s")}, now {g.Status.ToString().ToLowerInvariant()})");
        o.WriteLine("    " + string.Join(" | ", g.History.Select(s => s.ToString())));
    }
}
