using System.Globalization;
using System.Text;

namespace Conformance.GoSide;

/// <summary>
/// Reads Go 1.19's binary execution-trace format: the 16-byte header, then a stream of events. Each event starts with
/// a byte holding its type (low 6 bits) and how many unsigned LEB128 arguments follow inline (top 2 bits, 0..2 meaning
/// 1..3); the value 3 means a LEB128 byte length follows and the arguments fill exactly that many bytes. Events come
/// in per-P batches (a Batch event names the P and the base ticks; every timestamped event then carries the tick
/// delta from the previous event of its batch). String and Stack events fill the string and stack tables; the
/// Frequency event (written when tracing stops) gives ticks per second. Types this reader does not interpret are
/// skipped by their length. The per-P streams are then merged by <see cref="GoTraceOrder"/>.
/// </summary>
public static class GoTraceReader
{
    /// <summary>The header of a Go 1.19 trace.</summary>
    public static ReadOnlySpan<byte> Header => "go 1.19 trace\0\0\0"u8;

    /// <summary>Reads and merges the trace in <paramref name="path"/>. Throws <see cref="GoTraceException"/> on bad input
    /// (the message names the file and the byte offset) and IOException when the file cannot be read.</summary>
    public static GoTrace ReadFile(string path)
    {
        var bytes = File.ReadAllBytes(path);
        try
        {
            return Read(bytes);
        }
        catch (GoTraceException e)
        {
            throw new GoTraceException($"{path}: {e.Message}", e.Offset);
        }
    }

    /// <summary>Reads and merges a trace held in memory.</summary>
    public static GoTrace Read(ReadOnlySpan<byte> data)
    {
        CheckHeader(data);
        var strings = new Dictionary<ulong, string>();
        var rawStacks = new List<(long Offset, ulong[] Values)>();
        var perP = new Dictionary<int, List<GoEvent>>();
        var lastGOfP = new Dictionary<int, ulong>();
        long frequency = 0;
        var inBatch = false;
        var p = 0;
        long lastTicks = 0;
        ulong lastG = 0;
        var pos = Header.Length;
        var args = new List<ulong>(8);

        while (pos < data.Length)
        {
            var off = pos;
            var head = data[pos++];
            var typeNumber = (byte)(head & 0x3f);
            var inline = head >> 6;
            if (GoEventSpec.Of(typeNumber) is not { } spec)
                throw new GoTraceException($"unknown event type {typeNumber} at offset {off}", off);

            if (spec.Type == GoEventType.String)
            {
                var id = ReadVarint(data, ref pos, off);
                var len = ReadVarint(data, ref pos, off);
                if (id == 0) throw new GoTraceException($"String event at offset {off} has id 0 (reserved for the empty string)", off);
                if (len > 1_000_000 || (ulong)(data.Length - pos) < len)
                    throw new GoTraceException($"String event at offset {off} is cut short: it claims {len} bytes, {data.Length - pos} remain", off);
                if (strings.ContainsKey(id)) throw new GoTraceException($"String event at offset {off} repeats id {id}", off);
                strings[id] = Encoding.UTF8.GetString(data.Slice(pos, (int)len));
                pos += (int)len;
                continue;
            }

            args.Clear();
            if (inline < 3)
            {
                for (var i = 0; i <= inline; i++) args.Add(ReadVarint(data, ref pos, off));
            }
            else
            {
                var length = ReadVarint(data, ref pos, off);
                var start = pos;
                if ((ulong)(data.Length - pos) < length)
                    throw new GoTraceException($"{spec.Type} event at offset {off} is cut short: it claims {length} bytes of arguments, {data.Length - pos} remain", off);
                while ((ulong)(pos - start) < length) args.Add(ReadVarint(data, ref pos, off));
                if ((ulong)(pos - start) != length)
                    throw new GoTraceException($"{spec.Type} event at offset {off} has arguments of {pos - start} bytes, its length says {length}", off);
            }
            string? text = null;
            if (spec.TrailingString)
            {
                var len = ReadVarint(data, ref pos, off);
                if (len > 1_000_000 || (ulong)(data.Length - pos) < len)
                    throw new GoTraceException($"{spec.Type} event at offset {off} is cut short: it claims a {len}-byte string, {data.Length - pos} bytes remain", off);
                text = Encoding.UTF8.GetString(data.Slice(pos, (int)len));
                pos += (int)len;
            }

            if (spec.Type == GoEventType.Stack)
            {
                if (args.Count < 2 || args[1] > 1000 || (ulong)args.Count != 2 + 4 * args[1])
                    throw new GoTraceException($"Stack event at offset {off} has {args.Count} values, which is not 2 + 4 per frame", off);
                rawStacks.Add((off, [.. args]));
                continue;
            }
            if (args.Count != spec.Total)
                throw new GoTraceException($"{spec.Type} event at offset {off} has {args.Count} arguments; the format gives it {spec.Total}", off);

            switch (spec.Type)
            {
                case GoEventType.Batch:
                    if (inBatch) lastGOfP[p] = lastG;
                    p = (int)(long)args[0];
                    lastTicks = (long)args[1];
                    lastG = lastGOfP.GetValueOrDefault(p);
                    inBatch = true;
                    continue;
                case GoEventType.Frequency:
                    if (args[0] == 0 || args[0] > long.MaxValue)
                        throw new GoTraceException($"Frequency event at offset {off} gives {args[0]} ticks per second", off);
                    frequency = (long)args[0];
                    continue;
                case GoEventType.TimerGoroutine:
                    continue;
            }
            if (!inBatch) throw new GoTraceException($"{spec.Type} event at offset {off} comes before any Batch event", off);

            var ticks = lastTicks + (long)args[0];
            lastTicks = ticks;
            var n = spec.Args;
            var eventArgs = new ulong[n];
            for (var i = 0; i < n; i++) eventArgs[i] = args[1 + i];
            var stack = spec.HasStack ? args[^1] : 0;
            var g = lastG;
            switch (spec.Type)
            {
                case GoEventType.GoStart or GoEventType.GoStartLocal or GoEventType.GoStartLabel:
                    lastG = g = eventArgs[0];
                    break;
                case GoEventType.GoSysExit or GoEventType.GoSysExitLocal or GoEventType.GoWaiting or GoEventType.GoInSyscall:
                    g = eventArgs[0];
                    break;
                case GoEventType.GCStart or GoEventType.GCDone or GoEventType.GCSTWStart or GoEventType.GCSTWDone:
                    g = 0;
                    break;
            }
            if (!perP.TryGetValue(p, out var list)) perP[p] = list = [];
            list.Add(new GoEvent
            {
                Offset = off, Type = spec.Type, P = p, G = g, Ticks = ticks, Args = eventArgs, StackId = stack, Text = text,
                BatchOrder = list.Count,
            });
            // After these the P runs no goroutine until the next start.
            if (spec.Type is GoEventType.GoEnd or GoEventType.GoStop or GoEventType.GoSched or GoEventType.GoPreempt
                or GoEventType.GoSleep or GoEventType.GoBlock or GoEventType.GoBlockSend or GoEventType.GoBlockRecv
                or GoEventType.GoBlockSelect or GoEventType.GoBlockSync or GoEventType.GoBlockCond or GoEventType.GoBlockNet
                or GoEventType.GoSysBlock or GoEventType.GoBlockGC)
                lastG = 0;
        }

        if (perP.Count == 0) throw new GoTraceException("the trace has no events");
        if (frequency == 0)
            throw new GoTraceException("the trace has no Frequency event: it was cut short (tracing was never stopped, or the file is truncated)");

        var stacks = new Dictionary<ulong, IReadOnlyList<GoFrame>>();
        foreach (var (offset, v) in rawStacks)
        {
            var frames = new GoFrame[(int)v[1]];
            for (var i = 0; i < frames.Length; i++)
            {
                var b = 2 + 4 * i;
                frames[i] = new GoFrame(v[b], strings.GetValueOrDefault(v[b + 1], "?"), strings.GetValueOrDefault(v[b + 2], "?"), (int)v[b + 3]);
            }
            if (v[0] != 0 && frames.Length > 0) stacks[v[0]] = frames;
        }

        var ordered = GoTraceOrder.Merge(perP);
        return new GoTrace(ordered, stacks, strings, frequency, perP.Keys.Where(k => k >= 0).Order().ToList());
    }

    private static void CheckHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 16 && data[..16].SequenceEqual(Header)) return;
        var prefix = Encoding.ASCII.GetString(data[..Math.Min(16, data.Length)]).TrimEnd('\0');
        if (prefix.StartsWith("go 1.", StringComparison.Ordinal) && prefix.EndsWith(" trace", StringComparison.Ordinal))
            throw new GoTraceException($"'{prefix}': a trace of another Go version; only Go 1.19's format (\"go 1.19 trace\") is read", 0);
        throw new GoTraceException("not a Go execution trace (the first 16 bytes are not \"go 1.19 trace\" and three NULs)", 0);
    }

    /// <summary>An unsigned LEB128 value (at most 10 bytes).</summary>
    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos, long eventOffset)
    {
        ulong v = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (pos >= data.Length)
                throw new GoTraceException($"the event at offset {eventOffset} is cut short: the file ends inside an argument", eventOffset);
            var b = data[pos++];
            v |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw new GoTraceException($"the event at offset {eventOffset} has an argument longer than 10 bytes at offset {pos}", eventOffset);
    }

    internal static string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
}
