namespace Implementation.Trace;

/// <summary>
/// Memory laid out for the per-M trace buffers of one run at a time, meant to be shared with another process (a
/// file under /dev/shm that both map): the runtime records into it exactly as into its own buffers (one store more
/// per event, the published count), and the other process can read the trace up to the last recorded event even
/// after this one crashed or was killed. Hand it to a run through <see cref="RuntimeOptions.TraceRegion"/>.
/// </summary>
/// <remarks>
/// Layout (little-endian): a 64-byte header (u32 magic "CKTR", u32 version, i32 slots, i32 events per slot, i32 slots
/// taken by the current run, i32 overflow flag, i64 run id), then one 64-byte <see cref="TraceSlotHeader"/> per slot,
/// then, from the next 4 KiB boundary, each slot's events (56 bytes each). A reader trusts none of it beyond the
/// bounds it formatted: counts are clamped, so a runtime that scribbled over the region gives a garbled trace, never a
/// crash of the reader.
/// </remarks>
public sealed unsafe class TraceRegion
{
    public const uint Magic = 0x52544B43; // "CKTR"
    public const int Version = 1;
    internal const int SlotHeaderBytes = 64;
    private const int HeaderBytes = 64;

    private readonly byte* _base;
    private readonly long _eventsOffset;

    private TraceRegion(nint memory, int slots, int capacity)
    {
        _base = (byte*)memory;
        Slots = slots;
        SlotCapacity = capacity;
        _eventsOffset = EventsOffset(slots);
    }

    /// <summary>How many M buffers a run may take (more Ms record into private buffers and the region says so).</summary>
    public int Slots { get; }

    /// <summary>Events per M buffer.</summary>
    public int SlotCapacity { get; }

    private static long EventsOffset(int slots) => (HeaderBytes + (long)slots * SlotHeaderBytes + 4095) & ~4095L;

    /// <summary>The bytes a region of <paramref name="slots"/> buffers of <paramref name="capacity"/> events needs.</summary>
    public static long BytesFor(int slots, int capacity) => EventsOffset(slots) + (long)slots * capacity * sizeof(TraceEvent);

    /// <summary>Writes a fresh header into <paramref name="length"/> bytes at <paramref name="memory"/> (zeroed
    /// memory, such as a new file) and returns the region.</summary>
    public static TraceRegion Format(nint memory, long length, int slots, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (length < BytesFor(slots, capacity)) throw new ArgumentException($"a trace region of {slots} x {capacity} events needs {BytesFor(slots, capacity)} bytes, not {length}", nameof(length));
        var h = (byte*)memory;
        *(uint*)h = Magic;
        *(int*)(h + 4) = Version;
        *(int*)(h + 8) = slots;
        *(int*)(h + 12) = capacity;
        *(int*)(h + 16) = 0;
        *(int*)(h + 20) = 0;
        *(long*)(h + 24) = 0;
        return new TraceRegion(memory, slots, capacity);
    }

    /// <summary>A region another process formatted; <see cref="InvalidDataException"/> when the header is not one.</summary>
    public static TraceRegion Open(nint memory, long length)
    {
        var h = (byte*)memory;
        if (length < HeaderBytes || *(uint*)h != Magic || *(int*)(h + 4) != Version)
            throw new InvalidDataException("not a checker trace region (bad magic or version)");
        var slots = *(int*)(h + 8);
        var capacity = *(int*)(h + 12);
        if (slots < 1 || capacity < 1 || BytesFor(slots, capacity) > length)
            throw new InvalidDataException($"trace region header says {slots} x {capacity} events, which does not fit in {length} bytes");
        return new TraceRegion(memory, slots, capacity);
    }

    private ref int Taken => ref *(int*)(_base + 16);
    private ref int OverflowFlag => ref *(int*)(_base + 20);
    private ref long RunId => ref *(long*)(_base + 24);

    /// <summary>The id of the run recording into the region now (set by <see cref="Reset"/>).</summary>
    public long Run => Volatile.Read(ref RunId);

    /// <summary>Some M of the current run found no free slot, so the region does not hold its whole trace.</summary>
    public bool Overflowed => Volatile.Read(ref OverflowFlag) != 0;

    /// <summary>Starts a new run: no slot taken. Call it between runs only.</summary>
    public void Reset(long run)
    {
        Volatile.Write(ref Taken, 0);
        Volatile.Write(ref OverflowFlag, 0);
        Volatile.Write(ref RunId, run);
    }

    /// <summary>The next free slot as M <paramref name="m"/>'s buffer, or null (and the overflow flag) when none is left.</summary>
    internal TraceBuffer? Take(short m)
    {
        var slot = Interlocked.Increment(ref Taken) - 1;
        if (slot >= Slots)
        {
            Volatile.Write(ref OverflowFlag, 1);
            return null;
        }
        var header = (TraceSlotHeader*)(_base + HeaderBytes + (long)slot * SlotHeaderBytes);
        var events = (TraceEvent*)(_base + _eventsOffset + (long)slot * SlotCapacity * sizeof(TraceEvent));
        return new TraceBuffer(header, events, SlotCapacity, m);
    }

    /// <summary>The current run's trace as recorded so far, every buffer merged by sequence number. Safe to call
    /// from another process once the recording one has answered, died or been killed.</summary>
    /// <param name="truncated">Events were dropped (a full buffer) or an M had no slot.</param>
    public TraceEvent[] Read(out bool truncated)
    {
        var taken = Math.Clamp(Volatile.Read(ref Taken), 0, Slots);
        truncated = Overflowed;
        var counts = new int[taken];
        long total = 0;
        for (var s = 0; s < taken; s++)
        {
            var header = (TraceSlotHeader*)(_base + HeaderBytes + (long)s * SlotHeaderBytes);
            counts[s] = Math.Clamp(Volatile.Read(ref header->Count), 0, SlotCapacity);
            truncated |= header->Dropped != 0;
            total += counts[s];
        }
        var all = new TraceEvent[total];
        long at = 0;
        for (var s = 0; s < taken; s++)
        {
            var events = (TraceEvent*)(_base + _eventsOffset + (long)s * SlotCapacity * sizeof(TraceEvent));
            new ReadOnlySpan<TraceEvent>(events, counts[s]).CopyTo(all.AsSpan((int)at));
            at += counts[s];
        }
        Array.Sort(all, static (x, y) => x.Seq.CompareTo(y.Seq));
        return all;
    }
}
