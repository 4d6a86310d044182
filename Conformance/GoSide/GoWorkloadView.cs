using System.Text.RegularExpressions;

namespace Conformance.GoSide;

/// <summary>
/// A vs-go run's trace seen as the workload: where the workload starts (the harness's "checker start" log event), which
/// goroutines are the workload's (the main goroutine, and those whose start function is one of workload K's bodies),
/// their creation order and body, and everything else (the runtime's goroutines, the watchdog) set apart.
/// </summary>
public sealed partial class GoWorkloadView
{
    public GoWorkloadView(GoTrace trace, int k)
    {
        Trace = trace;
        Marker = trace.Events.FirstOrDefault(e => e.Type == GoEventType.UserLog && e.Text == "start")?.Index ?? -1;
        PanicMarker = trace.Events.FirstOrDefault(e => e.Type == GoEventType.UserLog && e.Text == "panic")?.Index ?? -1;
        var list = new List<(GoGoroutine G, int Body)>();
        var main = trace.Goroutines.FirstOrDefault(g => g.Kind == GoGoroutineKind.Main);
        Main = main;
        foreach (var g in trace.Goroutines)
        {
            var m = BodyName().Match(g.StartFunction);
            if (m.Success && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) == k)
                list.Add((g, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
        Created = list;
        Members = [.. list.Select(x => x.G.Goid)];
        if (main is not null) Members.Add(main.Goid);
        LastWorkloadEvent = -1;
        foreach (var e in trace.Events)
            if (e.Index > Marker && (PanicMarker < 0 || e.Index < PanicMarker) && (Members.Contains(e.G) || (e.Kind is GoEventType.GoCreate or GoEventType.GoUnblock && Members.Contains(e.Target))))
                LastWorkloadEvent = e.Index;
    }

    public GoTrace Trace { get; }
    /// <summary>Merged index of the start marker, or -1 when the harness never reached the workload.</summary>
    public int Marker { get; }
    /// <summary>Merged index of the harness's "panic" marker (a workload goroutine panicked there), or -1. Events
    /// after it are the harness stopping the trace, not the workload.</summary>
    public int PanicMarker { get; }
    /// <summary>Whether event <paramref name="index"/> is the workload's: after the start marker and before any panic marker.</summary>
    public bool InWorkload(int index) => index > Marker && (PanicMarker < 0 || index < PanicMarker);
    public GoGoroutine? Main { get; }
    /// <summary>The workload's goroutines other than main, in creation order, with the body each runs.</summary>
    public IReadOnlyList<(GoGoroutine G, int Body)> Created { get; }
    public HashSet<ulong> Members { get; }
    /// <summary>The last event about a workload goroutine.</summary>
    public int LastWorkloadEvent { get; }

    /// <summary>Something outside the workload ran (or, unless <paramref name="preemptionModelled"/>, preempted it)
    /// between the marker and the workload's last event. Go runs with asynchronous preemption off
    /// (GODEBUG=asyncpreemptoff=1, <see cref="GoBatch"/>), so a GoPreempt is sysmon's cooperative preemption, which
    /// the one-P comparison follows as a choice of the model.</summary>
    public string? Perturbation(bool preemptionModelled = false)
    {
        foreach (var e in Trace.Events)
        {
            if (e.Index <= Marker || e.Index > LastWorkloadEvent) continue;
            if (e.Kind == GoEventType.GoStart && !Members.Contains(e.G))
            {
                var who = Trace.ById.TryGetValue(e.G, out var g) ? g.StartFunction : "?";
                return $"g{e.G} ({who}) ran in the middle of the workload (event {e.Index})";
            }
            if (e.Kind == GoEventType.GoPreempt && Members.Contains(e.G) && !preemptionModelled)
                return $"g{e.G} was preempted (sysmon's 10 ms time slice, event {e.Index})";
            if (e.Kind is GoEventType.GCStart)
                return $"a GC cycle started (event {e.Index})";
        }
        return null;
    }

    [GeneratedRegex(@"^main\.w(\d+)b(\d+)$")]
    private static partial Regex BodyName();
}
