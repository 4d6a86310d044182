using System.Text.RegularExpressions;

namespace Conformance.GoSide;

/// <summary>
/// One run of one workload of a vs-go program: the process's exit, its output, the trace it wrote (read back), the
/// harness's verdict line ("completed" or "blocked"), the schedtick at the workload's start, and Go's deadlock dump.
/// </summary>
public sealed partial class GoRun
{
    public required int Workload { get; init; }
    public required int Procs { get; init; }
    public required GoToolchain.ProcessResult Process { get; init; }
    public GoTrace? Trace { get; init; }
    public string? TraceError { get; init; }

    /// <summary>"completed", "blocked", "panic", or null when the harness did not say.</summary>
    public string? HarnessOutcome => OutcomeLine().Match(Process.StdOut) is { Success: true } m ? m.Groups[1].Value : null;

    public uint? TickAtStart => TickLine().Match(Process.StdOut) is { Success: true } m ? uint.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Go's own message: "fatal error: all goroutines are asleep - deadlock!".</summary>
    public bool GoReportedDeadlock => Process.StdErr.Contains("fatal error: all goroutines are asleep - deadlock!", StringComparison.Ordinal);

    /// <summary>The workload's panic, as Go prints it: "panic: MSG", a blank line, "goroutine N [running]:"; null if none.</summary>
    public (string Message, ulong Goid)? Panic => ParsePanic(Process.StdErr);

    public static (string Message, ulong Goid)? ParsePanic(string stderr)
    {
        var m = PanicHeader().Match(stderr);
        return m.Success ? (m.Groups[1].Value, ulong.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) : null;
    }

    /// <summary>The goroutines of Go's dump (GOTRACEBACK=all), each with its wait reason and workload frame.</summary>
    public IReadOnlyList<GoBlockedGoroutine> Dump => ParseDump(Process.StdErr);

    public static IReadOnlyList<GoBlockedGoroutine> ParseDump(string stderr)
    {
        var list = new List<GoBlockedGoroutine>();
        var lines = stderr.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var h = GoroutineHeader().Match(lines[i]);
            if (!h.Success) continue;
            string? fn = null;
            var line = 0;
            for (var j = i + 1; j + 1 < lines.Length && lines[j].Length > 0 && !lines[j].StartsWith("goroutine ", StringComparison.Ordinal); j++)
            {
                var f = WorkloadFrame().Match(lines[j]);
                if (!f.Success) continue;
                var at = SourceLine().Match(lines[j + 1]);
                if (!at.Success) continue;
                fn = f.Groups[1].Value;
                line = int.Parse(at.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                break;
            }
            var reason = h.Groups[2].Value;
            var comma = reason.IndexOf(',', StringComparison.Ordinal); // "[semacquire, 2 minutes]"
            if (comma >= 0) reason = reason[..comma];
            list.Add(new GoBlockedGoroutine(ulong.Parse(h.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), reason, fn, line));
        }
        return list;
    }

    [GeneratedRegex(@"(?m)^panic: (.+?)(?: \[recovered\])?\n\ngoroutine (\d+) \[running\]:")]
    private static partial Regex PanicHeader();
    [GeneratedRegex(@"checker-go: outcome (\w+)")]
    private static partial Regex OutcomeLine();
    [GeneratedRegex(@"checker-go: schedtick-at-start (\d+)")]
    private static partial Regex TickLine();
    [GeneratedRegex(@"^goroutine (\d+) \[([^\]]+)\]:")]
    private static partial Regex GoroutineHeader();
    [GeneratedRegex(@"^(main\.w\d+b\d+(?:c\d+)?)\(")]
    private static partial Regex WorkloadFrame();
    [GeneratedRegex(@"workloads\.go:(\d+)")]
    private static partial Regex SourceLine();
}
