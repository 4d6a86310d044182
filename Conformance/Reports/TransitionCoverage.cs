using Implementation.Trace;

namespace Conformance.Reports;

/// <summary>
/// How often each status edge (from, to) was taken across a campaign, counted from the runtime's
/// <see cref="EventKind.Status"/> events. Thread-safe, so campaign workers can add to one instance.
/// </summary>
public sealed class TransitionCoverage
{
    private readonly Dictionary<(int From, int To), long> _counts = [];
    private readonly Lock _lock = new();

    /// <summary>Counts every Status event of a trace.</summary>
    public void Add(ReadOnlySpan<TraceEvent> trace)
    {
        Dictionary<(int, int), long>? local = null;
        foreach (ref readonly var e in trace)
        {
            if (e.Kind != EventKind.Status) continue;
            local ??= [];
            var key = ((int)e.A, (int)e.B);
            local[key] = local.GetValueOrDefault(key) + 1;
        }
        if (local is null) return;
        lock (_lock)
            foreach (var (k, v) in local) _counts[k] = _counts.GetValueOrDefault(k) + v;
    }

    public void Add(int from, int to, long times = 1)
    {
        lock (_lock) _counts[(from, to)] = _counts.GetValueOrDefault((from, to)) + times;
    }

    public long Count(int from, int to)
    {
        lock (_lock) return _counts.GetValueOrDefault((from, to));
    }

    /// <summary>Every edge seen, with its count.</summary>
    public IReadOnlyList<KeyValuePair<(int From, int To), long>> Snapshot()
    {
        lock (_lock) return [.. _counts.OrderBy(k => k.Key.From).ThenBy(k => k.Key.To)];
    }

    public long Total
    {
        get { lock (_lock) return _counts.Values.Sum(); }
    }
}
