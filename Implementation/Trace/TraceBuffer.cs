namespace Implementation.Trace;

/// <summary>
/// One M's trace buffer: preallocated when the M starts, written only by that M's thread, so recording never
/// allocates and never locks. When it is full further events are counted in <see cref="Dropped"/> and the merged
/// trace is marked truncated.
/// </summary>
internal sealed class TraceBuffer
{
    private readonly TraceEvent[] _events;
    private int _count;

    public TraceBuffer(int capacity, short m)
    {
        _events = new TraceEvent[capacity];
        M = m;
    }

    /// <summary>The M id stamped on every event.</summary>
    public short M { get; }

    /// <summary>Events that did not fit.</summary>
    public long Dropped { get; private set; }

    public int Count => _count;

    public ReadOnlySpan<TraceEvent> Events => _events.AsSpan(0, _count);

    /// <summary>Appends one event with the given global sequence number.</summary>
    public void Add(ulong seq, EventKind kind, short p, long g, long a, long b, long c, long d)
    {
        var i = _count;
        if ((uint)i >= (uint)_events.Length)
        {
            Dropped++;
            return;
        }
        ref var e = ref _events[i];
        e.Seq = seq;
        e.Kind = kind;
        e.M = M;
        e.P = p;
        e.G = g;
        e.A = a;
        e.B = b;
        e.C = c;
        e.D = d;
        _count = i + 1;
    }
}
