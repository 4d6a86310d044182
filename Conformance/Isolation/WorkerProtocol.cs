using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Isolation;

/// <summary>
/// The compact binary protocol between the checker and its worker processes, over the worker's stdin and stdout.
/// A frame is a type byte, a little-endian i32 payload length and the payload. Payloads are written with
/// <see cref="BinaryWriter"/> (strings and counts as 7-bit varints; choices zig-zag). A run's request is the
/// <see cref="RunSpec"/> (workload text, GOMAXPROCS, seed, choices, mutant, timeout: a few hundred bytes);
/// its result is what a <see cref="CheckResult"/> holds except the workload (the checker has it) and the trace (read
/// from the shared trace region, so it never crosses the pipe unless the region could not hold it).
/// </summary>
public static class WorkerProtocol
{
    /// <summary>Bumped whenever a payload changes; the worker's hello must match.</summary>
    public const int Version = 1;

    /// <summary>Largest payload accepted (a trace sent in place of the region, at most).</summary>
    public const int MaxPayload = 1 << 30;

    public static void WriteFrame(Stream s, FrameType type, ReadOnlySpan<byte> payload)
    {
        // One write per frame: a frame is never split between two syscalls' worth of a crash.
        var frame = new byte[5 + payload.Length];
        frame[0] = (byte)type;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(1), payload.Length);
        payload.CopyTo(frame.AsSpan(5));
        s.Write(frame);
        s.Flush();
    }

    /// <summary>The next frame, or <see cref="Frame.End"/> when the stream ended (also in the middle of a frame).</summary>
    public static Frame ReadFrame(Stream s)
    {
        var head = new byte[5];
        if (!ReadExactly(s, head)) return Frame.End;
        var length = BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(1));
        if (length < 0 || length > MaxPayload) throw new InvalidDataException($"worker frame of {length} bytes");
        var payload = new byte[length];
        if (!ReadExactly(s, payload)) return Frame.End;
        return new Frame((FrameType)head[0], payload);
    }

    private static bool ReadExactly(Stream s, byte[] buffer)
    {
        var at = 0;
        while (at < buffer.Length)
        {
            var n = s.Read(buffer, at, buffer.Length - at);
            if (n == 0) return false;
            at += n;
        }
        return true;
    }

    private static byte[] Build(Action<BinaryWriter> body)
    {
        var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) body(w);
        return ms.ToArray();
    }

    private static BinaryReader Reader(byte[] payload) => new(new MemoryStream(payload, writable: false), Encoding.UTF8);

    // ---- hello ----------------------------------------------------------------------------------------------------

    public static byte[] Hello(string build, int pid) => Build(w =>
    {
        w.Write7BitEncodedInt(Version);
        w.Write(build);
        w.Write(pid);
    });

    public static (int Version, string Build, int Pid) ReadHello(byte[] payload)
    {
        var r = Reader(payload);
        return (r.Read7BitEncodedInt(), r.ReadString(), r.ReadInt32());
    }

    // ---- run ------------------------------------------------------------------------------------------------------

    public static byte[] Run(long runId, RunSpec spec) => Build(w =>
    {
        w.Write(runId);
        w.Write(WorkloadPrinter.Print(spec.Workload));
        w.Write7BitEncodedInt(spec.Procs);
        w.Write(spec.Seed);
        WriteChoices(w, spec.Choices);
        w.Write(spec.Mutant);
        w.Write(spec.EffectiveTimeout.Ticks);
    });

    public static (long RunId, RunSpec Spec) ReadRun(byte[] payload)
    {
        var r = Reader(payload);
        var runId = r.ReadInt64();
        var workload = WorkloadParser.Parse(r.ReadString(), "run request");
        var procs = r.Read7BitEncodedInt();
        var seed = r.ReadUInt64();
        var choices = ReadChoices(r);
        var mutant = r.ReadString();
        var timeout = TimeSpan.FromTicks(r.ReadInt64());
        return (runId, new RunSpec(workload, procs, seed, choices, mutant) { Timeout = timeout });
    }

    // ---- ran ------------------------------------------------------------------------------------------------------

    public static byte[] Ran(long runId, int events) => Build(w =>
    {
        w.Write(runId);
        w.Write(events);
    });

    public static (long RunId, int Events) ReadRan(byte[] payload)
    {
        var r = Reader(payload);
        return (r.ReadInt64(), r.ReadInt32());
    }

    // ---- error ----------------------------------------------------------------------------------------------------

    public static byte[] Error(long runId, string phase, string message) => Build(w =>
    {
        w.Write(runId);
        w.Write(phase);
        w.Write(message);
    });

    public static (long RunId, string Phase, string Message) ReadError(byte[] payload)
    {
        var r = Reader(payload);
        return (r.ReadInt64(), r.ReadString(), r.ReadString());
    }

    // ---- result ---------------------------------------------------------------------------------------------------

    /// <summary>A verdict. <paramref name="withTrace"/>: the trace goes along (the shared region overflowed).
    /// <paramref name="recycle"/>: the worker exits after this answer (a thread of the run was left behind).</summary>
    public static byte[] Result(long runId, CheckResult result, bool withTrace, bool recycle) => Build(w =>
    {
        w.Write(runId);
        w.Write((byte)((withTrace ? 1 : 0) | (recycle ? 2 : 0)));
        w.Write(result.EventsChecked);
        WriteChoices(w, result.Choices);
        WriteOutcome(w, result.ModelOutcome);
        WriteOutcome(w, result.RuntimeOutcome);
        WriteViolation(w, result.Violation);
        w.Write(result.Elapsed.Ticks);
        if (withTrace)
        {
            w.Write(result.Trace.Length);
            w.Write(MemoryMarshal.AsBytes(result.Trace.AsSpan()));
        }
    });

    /// <summary>Reads a verdict on <paramref name="spec"/>; the trace is null unless the worker sent it.</summary>
    public static (long RunId, CheckResult Result, TraceEvent[]? Trace, bool Recycle) ReadResult(byte[] payload, RunSpec spec)
    {
        var r = Reader(payload);
        var runId = r.ReadInt64();
        var flags = r.ReadByte();
        var events = r.ReadInt32();
        var choices = ReadChoices(r);
        var model = ReadOutcome(r);
        var runtime = ReadOutcome(r);
        var violation = ReadViolation(r);
        var elapsed = TimeSpan.FromTicks(r.ReadInt64());
        TraceEvent[]? trace = null;
        if ((flags & 1) != 0)
        {
            trace = new TraceEvent[r.ReadInt32()];
            var bytes = MemoryMarshal.AsBytes(trace.AsSpan());
            if (r.Read(bytes) != bytes.Length) throw new InvalidDataException("worker result: the trace is cut short");
        }
        var result = new CheckResult(spec.Workload, spec.Procs, spec.Seed, choices, spec.Mutant, trace ?? [], events, model, runtime, violation, elapsed);
        return (runId, result, trace, (flags & 2) != 0);
    }

    private static void WriteChoices(BinaryWriter w, ImmutableArray<int> choices)
    {
        var c = choices.IsDefault ? [] : choices;
        w.Write7BitEncodedInt(c.Length);
        foreach (var x in c) w.Write7BitEncodedInt((x << 1) ^ (x >> 31));
    }

    private static ImmutableArray<int> ReadChoices(BinaryReader r)
    {
        var n = r.Read7BitEncodedInt();
        var b = ImmutableArray.CreateBuilder<int>(n);
        for (var i = 0; i < n; i++)
        {
            var z = r.Read7BitEncodedInt();
            b.Add((int)((uint)z >> 1) ^ -(z & 1));
        }
        return b.MoveToImmutable();
    }

    private static void WriteString(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteOutcome(BinaryWriter w, Refinement.Outcome? o)
    {
        w.Write(o is not null);
        if (o is null) return;
        w.Write((byte)o.Kind);
        w.Write7BitEncodedInt(o.Finished.Count);
        foreach (var g in o.Finished) w.Write7BitEncodedInt64(g);
        w.Write7BitEncodedInt(o.Blocked.Count);
        foreach (var (g, sema) in o.Blocked)
        {
            w.Write7BitEncodedInt64(g);
            w.Write(sema);
        }
        w.Write(o.Detail);
    }

    private static Refinement.Outcome? ReadOutcome(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        var kind = (OutcomeKind)r.ReadByte();
        var finished = ImmutableSortedSet.CreateBuilder<long>();
        for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++) finished.Add(r.Read7BitEncodedInt64());
        var blocked = ImmutableSortedDictionary.CreateBuilder<long, string>();
        for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++) blocked[r.Read7BitEncodedInt64()] = r.ReadString();
        return new Refinement.Outcome(kind, finished.ToImmutable(), blocked.ToImmutable(), r.ReadString());
    }

    private static void WriteState(BinaryWriter w, StateView? state)
    {
        w.Write(state is not null);
        if (state is null) return;
        w.Write7BitEncodedInt(state.Rows.Length);
        foreach (var (k, v) in state.Rows)
        {
            w.Write(k);
            w.Write(v);
        }
    }

    private static StateView? ReadState(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        var n = r.Read7BitEncodedInt();
        var rows = new List<KeyValuePair<string, string>>(n);
        for (var i = 0; i < n; i++) rows.Add(new(r.ReadString(), r.ReadString()));
        return new StateView(rows);
    }

    private static void WriteViolation(BinaryWriter w, Violation? v)
    {
        w.Write(v is not null);
        if (v is null) return;
        w.Write((int)v.Kind);
        w.Write(v.Message);
        w.Write(v.EventIndex);
        w.Write(v.Event is not null);
        if (v.Event is { } e) w.Write(MemoryMarshal.AsBytes(new ReadOnlySpan<TraceEvent>(in e)));
        WriteString(w, v.Expected);
        WriteState(w, v.ModelState);
        WriteState(w, v.RuntimeState);
        WriteString(w, v.Invariant);
        w.Write(v.Crash is not null);
        if (v.Crash is { } c)
        {
            w.Write(c.Status);
            w.Write(c.ExitCode is not null);
            w.Write(c.ExitCode ?? 0);
            WriteString(w, c.Signal);
            w.Write(c.Phase);
            w.Write7BitEncodedInt(c.StderrTail.Length);
            foreach (var line in c.StderrTail) w.Write(line);
            w.Write(c.Pid);
            w.Write(c.AfterRequest.Ticks);
        }
    }

    private static Violation? ReadViolation(BinaryReader r)
    {
        if (!r.ReadBoolean()) return null;
        var kind = (ViolationKind)r.ReadInt32();
        var message = r.ReadString();
        var index = r.ReadInt32();
        TraceEvent? ev = null;
        if (r.ReadBoolean())
        {
            var e = default(TraceEvent);
            var bytes = MemoryMarshal.AsBytes(new Span<TraceEvent>(ref e));
            if (r.Read(bytes) != bytes.Length) throw new InvalidDataException("worker result: the violation's event is cut short");
            ev = e;
        }
        var expected = ReadString(r);
        var model = ReadState(r);
        var runtime = ReadState(r);
        var invariant = ReadString(r);
        CrashDetails? crash = null;
        if (r.ReadBoolean())
        {
            var status = r.ReadString();
            var hasCode = r.ReadBoolean();
            var code = r.ReadInt32();
            var signal = ReadString(r);
            var phase = r.ReadString();
            var lines = ImmutableArray.CreateBuilder<string>();
            for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++) lines.Add(r.ReadString());
            crash = new CrashDetails(status, hasCode ? code : null, signal, phase, lines.ToImmutable(), r.ReadInt32(), TimeSpan.FromTicks(r.ReadInt64()));
        }
        return new Violation(kind, message, index, ev, expected, model, runtime, invariant) { Crash = crash };
    }
}
