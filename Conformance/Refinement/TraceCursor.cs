using Implementation.Trace;

namespace Conformance.Refinement;

/// <summary>
/// The checker's place in the runtime's merged trace. A model step belongs to one M, so the trace is read per runtime
/// M: each runtime M (by its dense <em>slot</em>, in order of first appearance) has the indices of its events in trace
/// order and a position at its first unconsumed one. Consuming a step's events moves that M's position on; the first
/// unconsumed event of the whole trace is the earliest of the Ms' next events. Positions can be saved and restored
/// (<see cref="Save"/>, <see cref="Restore"/>) so the search can take a step back.
/// </summary>
internal sealed class TraceCursor
{
    private readonly int[][] _events;
    private readonly int[] _ids;
    private readonly int[] _position;

    /// <param name="trace">The merged trace, in sequence order (<see cref="FirstOutOfOrder"/> says whether it is).</param>
    public TraceCursor(IReadOnlyList<TraceEvent> trace)
    {
        Trace = trace;
        var slots = new Dictionary<int, int>();
        var lists = new List<List<int>>();
        var ids = new List<int>();
        for (var i = 0; i < trace.Count; i++)
        {
            if (!slots.TryGetValue(trace[i].M, out var slot))
            {
                slots[trace[i].M] = slot = lists.Count;
                lists.Add([]);
                ids.Add(trace[i].M);
            }
            lists[slot].Add(i);
        }
        _events = [.. lists.Select(l => l.ToArray())];
        _ids = [.. ids];
        _position = new int[_events.Length];
    }

    /// <summary>The index of the first event whose sequence number is not after the one before it, or -1: the merge
    /// by sequence number must be a total order.</summary>
    public static int FirstOutOfOrder(IReadOnlyList<TraceEvent> trace)
    {
        for (var i = 1; i < trace.Count; i++)
            if (trace[i].Seq <= trace[i - 1].Seq) return i;
        return -1;
    }

    public IReadOnlyList<TraceEvent> Trace { get; }

    /// <summary>How many runtime Ms recorded events (slots 0 .. Ms - 1).</summary>
    public int Ms => _events.Length;

    /// <summary>Events consumed so far, over all Ms.</summary>
    public int Consumed { get; private set; }

    /// <summary>The runtime M id (<see cref="TraceEvent.M"/>) of a slot.</summary>
    public int RuntimeM(int slot) => _ids[slot];

    /// <summary>The trace indices of the slot's events not consumed yet, in trace order.</summary>
    public ReadOnlySpan<int> Pending(int slot) => _events[slot].AsSpan(_position[slot]);

    /// <summary>The trace index of the slot's next unconsumed event, or <see cref="int.MaxValue"/> when it has none.</summary>
    public int Next(int slot) => _position[slot] < _events[slot].Length ? _events[slot][_position[slot]] : int.MaxValue;

    /// <summary>The trace index of the slot's last consumed event, or -1.</summary>
    public int LastConsumed(int slot) => _position[slot] > 0 ? _events[slot][_position[slot] - 1] : -1;

    /// <summary>The earliest unconsumed event of the trace, or -1 when every event is consumed.</summary>
    public int FirstUnconsumed()
    {
        var min = int.MaxValue;
        for (var s = 0; s < _events.Length; s++)
        {
            var n = Next(s);
            if (n < min) min = n;
        }
        return min == int.MaxValue ? -1 : min;
    }

    /// <summary>Whether the event at <paramref name="traceIndex"/> has been consumed.</summary>
    public bool IsConsumed(int traceIndex)
    {
        var slot = Array.IndexOf(_ids, (int)Trace[traceIndex].M);
        return Array.BinarySearch(_events[slot], 0, _position[slot], traceIndex) >= 0;
    }

    /// <summary>Consumes the slot's next <paramref name="count"/> events.</summary>
    public void Consume(int slot, int count)
    {
        if (count < 0 || _position[slot] + count > _events[slot].Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"m{_ids[slot]} has {_events[slot].Length - _position[slot]} events left, not {count}");
        _position[slot] += count;
        Consumed += count;
    }

    /// <summary>Every slot's position, to <see cref="Restore"/> later.</summary>
    public int[] Save() => (int[])_position.Clone();

    /// <summary>Goes back to positions <see cref="Save"/> returned.</summary>
    public void Restore(int[] saved)
    {
        saved.CopyTo(_position, 0);
        var consumed = 0;
        foreach (var p in saved) consumed += p;
        Consumed = consumed;
    }
}
