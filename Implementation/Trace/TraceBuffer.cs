using System.Runtime.InteropServices;

namespace Implementation.Trace;

/// <summary>
/// One M's trace buffer: preallocated when the M starts, written only by that M's thread, so recording never
/// allocates and never locks. The events and the published count live in native memory: the M's own allocation, or
/// a slot of a <see cref="TraceRegion"/> that another process maps, so that the trace up to the last event survives a
/// crash of this one. When it is full further events are counted in <see cref="Dropped"/> and the merged trace is
/// marked truncated.
/// </summary>
internal sealed unsafe class TraceBuffer : IDisposable
{
    private readonly TraceEvent* _events;
    private readonly TraceSlotHeader* _header;
    private readonly int _capacity;
    private readonly bool _owned;
    private int _count;

    /// <summary>A private buffer of <paramref name="capacity"/> events (lazily committed memory).</summary>
    public TraceBuffer(int capacity, short m)
    {
        var header = (TraceSlotHeader*)NativeMemory.AlignedAlloc((nuint)(TraceRegion.SlotHeaderBytes + (long)capacity * sizeof(TraceEvent)), 64);
        *header = default;
        header->M = m;
        _header = header;
        _events = (TraceEvent*)((byte*)header + TraceRegion.SlotHeaderBytes);
        _capacity = capacity;
        _owned = true;
        M = m;
    }

    /// <summary>A buffer in memory someone else owns (a <see cref="TraceRegion"/> slot).</summary>
    internal TraceBuffer(TraceSlotHeader* header, TraceEvent* events, int capacity, short m)
    {
        *header = default;
        header->M = m;
        _header = header;
        _events = events;
        _capacity = capacity;
        M = m;
    }

    /// <summary>The M id stamped on every event.</summary>
    public short M { get; }

    /// <summary>Events that did not fit.</summary>
    public long Dropped => _header->Dropped;

    public int Count => _count;

    public ReadOnlySpan<TraceEvent> Events => new(_events, _count);

    /// <summary>Appends one event with the given global sequence number, then publishes the new count (after the
    /// event's bytes, so a reader in another process never sees a half-written event).</summary>
    public void Add(ulong seq, EventKind kind, short p, long g, long a, long b, long c, long d)
    {
        var i = _count;
        if ((uint)i >= (uint)_capacity)
        {
            _header->Dropped++;
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
        Volatile.Write(ref _header->Count, i + 1);
    }

    public void Dispose()
    {
        if (_owned) NativeMemory.AlignedFree(_header);
    }
}
