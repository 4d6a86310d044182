using System.Text;
using System.Text.Json;
using Conformance.Refinement;
using Implementation.Trace;

namespace Conformance.Reports;

/// <summary>
/// Writes a run as Chrome trace-event JSON (the format ui.perfetto.dev and chrome://tracing open): one track per M
/// and one per P, a slice for each stretch a g runs there (and for each system call on its M), an instant for every
/// other scheduler event, and a global instant marking the first non-refining event. Time is the event's position in
/// the merged trace, one microsecond per event, because the order is what the checker judges.
/// </summary>
public static class PerfettoTrace
{
    private const int MsPid = 1;
    private const int PsPid = 2;

    public static string Write(IReadOnlyList<TraceEvent> trace, Violation? violation, string title)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            w.WriteStartObject();
            w.WriteString("displayTimeUnit", "ms");
            w.WriteStartObject("otherData");
            w.WriteString("title", title);
            w.WriteNumber("events", trace.Count);
            w.WriteEndObject();
            w.WriteStartArray("traceEvents");
            Metadata(w, MsPid, "process_name", "Ms (OS threads)");
            Metadata(w, PsPid, "process_name", "Ps (run queues)");

            var ms = new SortedSet<int>();
            var ps = new SortedSet<int>();
            // Open slices: (pid, tid) -> (name, start ts, goid).
            var open = new Dictionary<(int Pid, int Tid), (string Name, long Start, long G)>();
            var runningOn = new Dictionary<long, (int M, int P)>();

            void Close(int pid, int tid, long ts)
            {
                if (!open.Remove((pid, tid), out var s)) return;
                Slice(w, pid, tid, s.Name, s.Start, Math.Max(1, ts - s.Start), s.G);
            }

            void StopRunning(long g, long ts)
            {
                if (!runningOn.Remove(g, out var at)) return;
                Close(MsPid, at.M, ts);
                if (at.P >= 0) Close(PsPid, at.P, ts);
            }

            for (var i = 0; i < trace.Count; i++)
            {
                var e = trace[i];
                long ts = i;
                ms.Add(e.M);
                if (e.P >= 0) ps.Add(e.P);
                switch (e.Kind)
                {
                    case EventKind.GoStart:
                        StopRunning(e.G, ts);
                        Close(MsPid, e.M, ts);
                        open[(MsPid, e.M)] = ($"g{e.G}", ts, e.G);
                        if (e.P >= 0)
                        {
                            Close(PsPid, e.P, ts);
                            open[(PsPid, e.P)] = ($"g{e.G}", ts, e.G);
                        }
                        runningOn[e.G] = (e.M, e.P);
                        break;
                    case EventKind.GoSched or EventKind.GoPreempt or EventKind.GoBlock or EventKind.GoEnd:
                        StopRunning(e.G, ts);
                        break;
                    case EventKind.GoSysCall:
                        StopRunning(e.G, ts);
                        open[(MsPid, e.M)] = ($"syscall g{e.G}", ts, e.G);
                        break;
                    case EventKind.GoSysExit:
                        Close(MsPid, e.M, ts);
                        break;
                }
                Instant(w, e.P >= 0 && IsQueueEvent(e.Kind) ? PsPid : MsPid, e.P >= 0 && IsQueueEvent(e.Kind) ? e.P : e.M, ts, e, i);
            }
            long end = trace.Count;
            foreach (var key in open.Keys.ToList()) Close(key.Pid, key.Tid, end);

            foreach (var m in ms) Metadata(w, MsPid, "thread_name", $"m{m}", m);
            foreach (var p in ps) Metadata(w, PsPid, "thread_name", $"p{p}", p);

            if (violation is not null)
            {
                long ts = violation.EventIndex >= 0 ? violation.EventIndex : trace.Count;
                w.WriteStartObject();
                w.WriteString("name", $"DIVERGENCE: {violation.Kind}");
                w.WriteString("cat", "violation");
                w.WriteString("ph", "i");
                w.WriteString("s", "g");
                w.WriteNumber("ts", ts);
                w.WriteNumber("pid", MsPid);
                w.WriteNumber("tid", violation.Event?.M ?? 0);
                w.WriteStartObject("args");
                w.WriteString("message", violation.Message);
                if (violation.Expected is not null) w.WriteString("expected", violation.Expected);
                if (violation.Event is { } ev) w.WriteString("event", TraceFormat.Describe(ev));
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool IsQueueEvent(EventKind k) => k is EventKind.RunqPut or EventKind.RunnextPut or EventKind.RunqGet
        or EventKind.RunqPutSlow or EventKind.RunqSteal or EventKind.GlobRunqPut or EventKind.GlobRunqGet
        or EventKind.GfPut or EventKind.GfGet or EventKind.PStatus;

    private static void Metadata(Utf8JsonWriter w, int pid, string name, string value, int tid = 0)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("ph", "M");
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        w.WriteString("name", value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Slice(Utf8JsonWriter w, int pid, int tid, string name, long ts, long dur, long g)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("cat", name.StartsWith("syscall", StringComparison.Ordinal) ? "syscall" : "running");
        w.WriteString("ph", "X");
        w.WriteNumber("ts", ts);
        w.WriteNumber("dur", dur);
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        w.WriteNumber("goid", g);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Instant(Utf8JsonWriter w, int pid, int tid, long ts, in TraceEvent e, int index)
    {
        w.WriteStartObject();
        w.WriteString("name", e.Kind.ToString());
        w.WriteString("cat", "sched");
        w.WriteString("ph", "i");
        w.WriteString("s", "t");
        w.WriteNumber("ts", ts);
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteStartObject("args");
        w.WriteNumber("index", index);
        w.WriteNumber("seq", e.Seq);
        w.WriteString("event", TraceFormat.Describe(e));
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
