namespace Conformance.GoSide;

/// <summary>
/// A Go 1.19 execution trace, read and merged: the events in one consistent order, the stack and string tables, the
/// tick frequency, the Ps that recorded events, and every goroutine with its start function, kind and status history.
/// </summary>
public sealed class GoTrace
{
    public GoTrace(IReadOnlyList<GoEvent> events, IReadOnlyDictionary<ulong, IReadOnlyList<GoFrame>> stacks,
        IReadOnlyDictionary<ulong, string> strings, long ticksPerSecond, IReadOnlyList<int> procs)
    {
        Events = events;
        Stacks = stacks;
        Strings = strings;
        TicksPerSecond = ticksPerSecond;
        Procs = procs;
        var gs = new Dictionary<ulong, GoGoroutine>();
        var order = new List<GoGoroutine>();
        foreach (var e in events)
        {
            if (e.Kind != GoEventType.GoCreate || gs.ContainsKey(e.Args[0])) continue;
            var fn = stacks.TryGetValue(e.Args[1], out var frames) && frames.Count > 0 ? frames[0].Function : "?";
            var g = new GoGoroutine
            {
                Goid = e.Args[0], StartFunction = fn, Kind = GoGoroutine.Classify(fn), CreatedBy = e.G, CreatedAt = e.Index,
            };
            gs[g.Goid] = g;
            order.Add(g);
        }
        GoStatusProjection.Project(events, gs);
        Goroutines = order;
        ById = gs;
    }

    public IReadOnlyList<GoEvent> Events { get; }
    public IReadOnlyDictionary<ulong, IReadOnlyList<GoFrame>> Stacks { get; }
    public IReadOnlyDictionary<ulong, string> Strings { get; }
    public long TicksPerSecond { get; }
    /// <summary>The P ids that recorded events (not counting the batch of events recorded without a P).</summary>
    public IReadOnlyList<int> Procs { get; }
    /// <summary>Every goroutine, in the order of its GoCreate event.</summary>
    public IReadOnlyList<GoGoroutine> Goroutines { get; }
    public IReadOnlyDictionary<ulong, GoGoroutine> ById { get; }

    /// <summary>The stack of an event (empty when it has none).</summary>
    public IReadOnlyList<GoFrame> StackOf(GoEvent e) => Stacks.TryGetValue(e.StackId, out var s) ? s : [];

    /// <summary>Nanoseconds from the first event to <paramref name="e"/>.</summary>
    public double NanosAt(GoEvent e) => Events.Count == 0 ? 0 : (e.Ticks - Events[0].Ticks) * 1e9 / TicksPerSecond;
}
