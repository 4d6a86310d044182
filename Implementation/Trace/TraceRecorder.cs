namespace Implementation.Trace;

/// <summary>
/// The run's trace: the global sequence counter and every M's buffer. Off by default; when off the runtime's
/// only cost is the <c>if (tracing)</c> branch at each recording site, which always goes the same way.
/// </summary>
internal sealed class TraceRecorder : IDisposable
{
    private readonly List<TraceBuffer> _buffers = [];
    private readonly int _capacity;
    private readonly TraceRegion? _region;
    private long _seq;

    /// <param name="capacityPerM">Events per private buffer.</param>
    /// <param name="region">Shared memory to take the buffers from while it has slots (null: private buffers only).</param>
    public TraceRecorder(int capacityPerM, TraceRegion? region = null)
    {
        _capacity = capacityPerM;
        _region = region;
    }

    /// <summary>A new buffer for an M (or for sysmon); called when the M is created, never while running gs.</summary>
    public TraceBuffer NewBuffer(short m)
    {
        var b = _region?.Take(m) ?? new TraceBuffer(_capacity, m);
        lock (_buffers) _buffers.Add(b);
        return b;
    }

    /// <summary>How many events have taken a sequence number so far.</summary>
    public int Recorded => (int)Volatile.Read(ref _seq);

    /// <summary>Takes the next global sequence number: call it at the operation's linearization point.</summary>
    public ulong NextSeq() => (ulong)Interlocked.Increment(ref _seq);

    /// <summary>Merges every buffer by sequence number. Only after the run, when no M writes any more.</summary>
    public TraceEvent[] Merge(out bool truncated)
    {
        lock (_buffers)
        {
            var total = 0;
            truncated = false;
            foreach (var b in _buffers)
            {
                total += b.Count;
                truncated |= b.Dropped > 0;
            }
            var all = new TraceEvent[total];
            var at = 0;
            foreach (var b in _buffers)
            {
                b.Events.CopyTo(all.AsSpan(at));
                at += b.Count;
            }
            Array.Sort(all, static (x, y) => x.Seq.CompareTo(y.Seq));
            return all;
        }
    }

    /// <summary>Frees the private buffers. Only when no thread can record any more.</summary>
    public void Dispose()
    {
        lock (_buffers)
        {
            foreach (var b in _buffers) b.Dispose();
            _buffers.Clear();
        }
    }
}
