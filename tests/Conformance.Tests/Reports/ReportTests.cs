using System.Text.Json;
using Conformance.Refinement;
using Conformance.Reports;

namespace Conformance.Tests.Reports;

public class ReportTests
{
    private static ViolationReport Report() => new(SampleRun.Result(), null, 0, "test");

    [Fact]
    public void Perfetto_trace_is_valid_trace_event_json_with_the_divergence_marked()
    {
        var r = SampleRun.Result();
        var json = PerfettoTrace.Write(r.Trace, r.Violation, "sample");
        using var doc = JsonDocument.Parse(json);
        var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.NotEmpty(events);
        var phases = new HashSet<string> { "X", "i", "M", "B", "E", "C" };
        foreach (var e in events)
        {
            var ph = e.GetProperty("ph").GetString()!;
            Assert.Contains(ph, phases);
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            Assert.True(e.GetProperty("pid").TryGetInt32(out _));
            Assert.True(e.GetProperty("tid").TryGetInt32(out _));
            if (ph == "M") continue;
            Assert.True(e.GetProperty("ts").GetDouble() >= 0);
            if (ph == "X") Assert.True(e.GetProperty("dur").GetDouble() > 0);
            if (ph == "i") Assert.Contains(e.GetProperty("s").GetString(), new[] { "g", "p", "t" });
        }
        var divergence = Assert.Single(events, e => e.GetProperty("name").GetString()!.StartsWith("DIVERGENCE", StringComparison.Ordinal));
        Assert.Equal(SampleRun.BadIndex, divergence.GetProperty("ts").GetInt64());
        Assert.Equal("g", divergence.GetProperty("s").GetString());
        // g1 runs on m0 from its GoStart (5) to its GoSched (11); g2 from 15 to its syscall at 17, then a syscall slice.
        var slices = events.Where(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("pid").GetInt32() == 1)
            .Select(e => (e.GetProperty("name").GetString(), e.GetProperty("ts").GetInt64(), e.GetProperty("dur").GetInt64())).ToList();
        Assert.Contains(("g1", 5L, 6L), slices);
        Assert.Contains(("g2", 15L, 2L), slices);
        Assert.Contains(("syscall g2", 17L, 3L), slices);
        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("args").GetProperty("name").GetString() == "p0");
    }

    [Fact]
    public void Dot_graph_counts_edges_and_marks_unreached_and_illegal_ones()
    {
        var coverage = new TransitionCoverage();
        coverage.Add(SampleRun.Trace());
        Assert.Equal(2, coverage.Count(6, 1));
        var dot = TransitionGraph.ToDot(SampleRun.Edges, coverage);
        Assert.StartsWith("digraph gstatus {", dot);
        Assert.EndsWith("}\n", dot);
        Assert.Equal(dot.Count(c => c == '{'), dot.Count(c => c == '}'));
        Assert.Contains("s6 -> s1 [label=\"E3 newproc1\\n×2\"", dot);
        Assert.Contains("s4 -> s1 [label=\"E6 ready\\nnever reached\", style=dashed", dot);
        Assert.Contains("s3 -> s4 [label=\"ILLEGAL\\n×1\", color=red", dot);
        var never = TransitionGraph.NeverReached(SampleRun.Edges, coverage).Select(e => e.Id).ToList();
        Assert.Equal(["E5", "E6", "E8", "E10", "E11"], never);
        // Every statement line ends with ';' (a cheap syntax check that does not need Graphviz installed).
        foreach (var line in dot.Split('\n').Skip(1).Where(l => l.Length > 0 && l != "}"))
            Assert.EndsWith(";", line);
    }

    [Fact]
    public void Markdown_names_the_event_shows_both_states_with_differences_marked_and_the_replay_command()
    {
        var md = MarkdownReport.Write(Report(), []);
        Assert.Contains("# Conformance violation: event 19 does not refine the model", md);
        Assert.Contains("| **≠** | `g2.status` | **Syscall** | **Waiting** |", md);
        Assert.Contains("|  | `g1.status` | Runnable | Runnable |", md);
        Assert.Contains("replay ck1", md);
        Assert.Contains("main {\n  go child\n  yield\n}\n", md);
        Assert.Contains("►    19  Status g2 Syscall -> Waiting", md);
    }

    [Fact]
    public void Json_report_has_the_verdict_the_differences_and_the_whole_trace()
    {
        using var doc = JsonDocument.Parse(JsonReport.Write(Report(), SampleRun.Edges.Take(1).ToList()));
        var root = doc.RootElement;
        Assert.Equal("NotEnabled", root.GetProperty("violation").GetProperty("kind").GetString());
        Assert.Equal(SampleRun.BadIndex, root.GetProperty("violation").GetProperty("eventIndex").GetInt32());
        var diff = Assert.Single(root.GetProperty("violation").GetProperty("differences").EnumerateArray());
        Assert.Equal("g2.status", diff.GetProperty("key").GetString());
        Assert.Equal(SampleRun.Trace().Length, root.GetProperty("trace").GetArrayLength());
        Assert.StartsWith("ck1", root.GetProperty("replayToken").GetString());
    }

    [Fact]
    public void Report_writer_puts_the_four_files_in_a_new_folder()
    {
        var root = Path.Combine(Path.GetTempPath(), "checker-report-test-" + Guid.NewGuid().ToString("n"));
        try
        {
            var dir = ReportWriter.Write(Report(), SampleRun.Edges, new TransitionCoverage(), root);
            Assert.StartsWith(root, dir);
            foreach (var f in new[] { "report.md", "report.json", "trace.json", "transitions.dot" })
                Assert.True(new FileInfo(Path.Combine(dir, f)).Length > 0, f);
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
