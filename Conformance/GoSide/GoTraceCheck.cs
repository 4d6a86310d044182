using System.Text.RegularExpressions;
using Model.Workload;

namespace Conformance.GoSide;

/// <summary>
/// check-trace for a Go 1.19 binary trace: its status projection held against the model. Every status change of every
/// goroutine that is not the runtime's must be an edge of the model's table; a goroutine whose start function names a
/// body of the workload (main.w{K}b{I}, as vs-go's programs name them, or main.{body name}) must also follow that
/// body's status sequence (<see cref="BodyMatcher"/>). The first bad change is named with its event index.
/// </summary>
public static partial class GoTraceCheck
{
    public static (bool Ok, string Message) Check(GoTrace t, Workload w)
    {
        var changes = 0;
        var matched = 0;
        foreach (var g in t.Goroutines.Where(g => g.Kind == GoGoroutineKind.User))
        {
            foreach (var s in g.History)
            {
                changes++;
                if (!ModelContract.IsLegal(s.From, s.To, out var edge))
                    return (false, $"g{g.Goid} ({g.StartFunction}) at event {s.EventIndex}: {edge} is no edge of the model ({s})");
            }
            var body = BodyOf(g.StartFunction, w);
            if (body < 0) continue;
            matched++;
            if (BodyMatcher.Match(w, body, g.History, running: false) is { } why)
                return (false, $"g{g.Goid} ({g.StartFunction}, body {w.Bodies[body].Name}): {why}");
        }
        return (true, $"{changes} status changes of {t.Goroutines.Count(g => g.Kind == GoGoroutineKind.User)} goroutines are model edges; " +
                      $"{matched} goroutines followed their body");
    }

    private static int BodyOf(string fn, Workload w)
    {
        var m = VsGoName().Match(fn);
        if (m.Success) return int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var i && i < w.Bodies.Length ? i : -1;
        return fn.StartsWith("main.", StringComparison.Ordinal) ? w.BodyIndex(fn["main.".Length..]) : -1;
    }

    [GeneratedRegex(@"^main\.w\d+b(\d+)$")]
    private static partial Regex VsGoName();
}
