using Conformance.GoSide;

namespace Conformance.Tests.GoSide;

/// <summary>Writes small synthetic Go 1.19 traces byte by byte, for the reader's edge cases.</summary>
internal sealed class TraceBuilder
{
    private readonly List<byte> _b = [.. GoTraceReader.Header.ToArray()];

    /// <summary>The offset the next event will have.</summary>
    public int Offset => _b.Count;

    public TraceBuilder Batch(int p, ulong ticks) => Event(GoEventType.Batch, (ulong)(long)p, ticks);

    public TraceBuilder Frequency(ulong f) => Event(GoEventType.Frequency, f);

    /// <summary>An event with its values as given (timestamp delta first, stack id last, where the type has them).</summary>
    public TraceBuilder Event(GoEventType type, params ulong[] values)
    {
        var args = new List<byte>();
        foreach (var v in values) Varint(args, v);
        if (values.Length <= 3)
        {
            _b.Add((byte)((byte)type | ((values.Length - 1) << 6)));
            _b.AddRange(args);
        }
        else
        {
            _b.Add((byte)((byte)type | (3 << 6)));
            Varint(_b, (ulong)args.Count);
            _b.AddRange(args);
        }
        return this;
    }

    public TraceBuilder Raw(params byte[] bytes)
    {
        _b.AddRange(bytes);
        return this;
    }

    public byte[] Bytes => [.. _b];

    private static void Varint(List<byte> to, ulong v)
    {
        for (; v >= 0x80; v >>= 7) to.Add((byte)(0x80 | (v & 0x7f)));
        to.Add((byte)v);
    }
}
