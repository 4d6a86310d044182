using System.Text.Json;
using Conformance.Refinement;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Reports;

/// <summary>The report for machines: the same facts as the Markdown, plus the whole trace.</summary>
public static class JsonReport
{
    public static string Write(ViolationReport report, IReadOnlyList<TransitionEdge> neverReached)
    {
        var r = report.Result;
        var v = r.Violation;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteString("build", Replay.BuildId.Current);
            w.WriteString("context", report.Context);
            w.WriteString("verdict", r.Verdict);
            w.WriteNumber("procs", r.Procs);
            w.WriteNumber("seed", r.Seed);
            w.WriteString("mutant", r.Mutant);
            w.WriteString("replayToken", r.Token.Encode());
            w.WriteString("replayCommand", report.ReplayCommand);
            w.WriteString("workload", WorkloadPrinter.Print(r.Workload));
            if (report.Original is not null) w.WriteString("originalWorkload", WorkloadPrinter.Print(report.Original));
            w.WriteNumber("shrinkSteps", report.ShrinkSteps);
            w.WriteNumber("eventsChecked", r.EventsChecked);
            if (v is not null)
            {
                w.WriteStartObject("violation");
                w.WriteString("kind", v.Kind.ToString());
                w.WriteString("message", v.Message);
                w.WriteNumber("eventIndex", v.EventIndex);
                if (v.Invariant is not null) w.WriteString("invariant", v.Invariant);
                if (v.Expected is not null) w.WriteString("expected", v.Expected);
                if (v.Event is { } ev) { w.WritePropertyName("event"); Event(w, ev); }
                if (v.Crash is { } crash)
                {
                    w.WriteStartObject("worker");
                    w.WriteString("status", crash.Status);
                    if (crash.ExitCode is { } code) w.WriteNumber("exitCode", code);
                    if (crash.Signal is not null) w.WriteString("signal", crash.Signal);
                    w.WriteString("phase", crash.Phase);
                    w.WriteNumber("pid", crash.Pid);
                    w.WriteNumber("secondsToVerdict", Math.Round(crash.AfterRequest.TotalSeconds, 3));
                    w.WriteStartArray("stderr");
                    foreach (var line in crash.StderrTail) w.WriteStringValue(line);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                State(w, "modelState", v.ModelState);
                State(w, "runtimeState", v.RuntimeState);
                if (v.ModelState is not null && v.RuntimeState is not null)
                {
                    w.WriteStartArray("differences");
                    foreach (var d in StateView.Diff(v.ModelState, v.RuntimeState).Where(d => d.Differs))
                    {
                        w.WriteStartObject();
                        w.WriteString("key", d.Key);
                        w.WriteString("model", d.Left);
                        w.WriteString("runtime", d.Right);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
                w.WriteEndObject();
            }
            if (r.ModelOutcome is not null) w.WriteString("modelOutcome", r.ModelOutcome.ToString());
            if (r.RuntimeOutcome is not null) w.WriteString("runtimeOutcome", r.RuntimeOutcome.ToString());
            w.WriteStartArray("neverReachedEdges");
            foreach (var e in neverReached) w.WriteStringValue(e.Id);
            w.WriteEndArray();
            w.WriteStartArray("trace");
            foreach (var e in r.Trace) Event(w, e);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void State(Utf8JsonWriter w, string name, StateView? state)
    {
        if (state is null) return;
        w.WriteStartObject(name);
        foreach (var (k, v) in state.Rows) w.WriteString(k, v);
        w.WriteEndObject();
    }

    private static void Event(Utf8JsonWriter w, in TraceEvent e)
    {
        w.WriteStartObject();
        WriteEventFields(w, e);
        w.WriteString("text", TraceFormat.Describe(e));
        w.WriteEndObject();
    }

    /// <summary>A trace event's raw fields (seq, kind, m, p, g, a..d), as reports and `checker run --trace` write them.</summary>
    internal static void WriteEventFields(Utf8JsonWriter w, in TraceEvent e)
    {
        w.WriteNumber("seq", e.Seq);
        w.WriteString("kind", e.Kind.ToString());
        w.WriteNumber("m", e.M);
        w.WriteNumber("p", e.P);
        w.WriteNumber("g", e.G);
        w.WriteNumber("a", e.A);
        w.WriteNumber("b", e.B);
        w.WriteNumber("c", e.C);
        w.WriteNumber("d", e.D);
    }
}
