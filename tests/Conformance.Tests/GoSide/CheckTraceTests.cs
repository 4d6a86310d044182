using System.Text.Json.Nodes;
using Conformance.Cli;

namespace Conformance.Tests.GoSide;

/// <summary>check-trace accepts the native runtime's own traces (written by checker run --trace) and rejects
/// corrupted ones, naming the first bad event.</summary>
[Collection("native runtime")]
public class CheckTraceTests
{
    private static string Workload(string name) => Path.Combine(VsGoTests.RepoRoot(), "workloads", name);

    private static string RunTrace(string workload)
    {
        var path = Path.Combine(Path.GetTempPath(), $"trace-{Guid.NewGuid():n}.json");
        var code = RunCommand.Execute(Workload(workload), "1", path, false, false, new StringWriter(), new StringWriter());
        Assert.True(code is CheckerCli.ExitOk or CheckerCli.ExitDeadlock, $"run exited {code}");
        return path;
    }

    [Fact]
    public void The_runtimes_own_trace_is_accepted_as_a_behaviour_of_the_model()
    {
        var path = RunTrace("pingpong.wl");
        try
        {
            var o = new StringWriter();
            Assert.Equal(CheckerCli.ExitOk, CheckTraceCommand.Execute(path, Workload("pingpong.wl"), o, new StringWriter()));
            Assert.Matches(@"a behaviour of the model: (\d+) of \1 events refine it on 1 P", o.ToString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_corrupted_event_is_rejected_naming_it()
    {
        var path = RunTrace("pingpong.wl");
        try
        {
            var doc = JsonNode.Parse(File.ReadAllText(path))!;
            var events = doc["events"]!.AsArray();
            var index = events.Select((e, i) => (e, i)).Where(x => (string)x.e!["kind"]! == "RunnextPut").ElementAt(3).i;
            events[index]!["g"] = 999;
            File.WriteAllText(path, doc.ToJsonString());
            var o = new StringWriter();
            Assert.Equal(CheckerCli.ExitViolation, CheckTraceCommand.Execute(path, Workload("pingpong.wl"), o, new StringWriter()));
            Assert.Contains($"at event {index}", o.ToString());
            Assert.Contains("g999", o.ToString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_truncated_trace_is_checked_as_a_prefix_and_a_stated_outcome_is_compared()
    {
        var path = RunTrace("deadlock.wl");
        try
        {
            var doc = JsonNode.Parse(File.ReadAllText(path))!;
            doc["outcome"] = new JsonObject { ["kind"] = "completed" };
            File.WriteAllText(path, doc.ToJsonString());
            var o = new StringWriter();
            Assert.Equal(CheckerCli.ExitViolation, CheckTraceCommand.Execute(path, Workload("deadlock.wl"), o, new StringWriter()));
            Assert.Contains("ended differently", o.ToString());

            doc.AsObject().Remove("outcome");
            var events = doc["events"]!.AsArray();
            while (events.Count > 10) events.RemoveAt(events.Count - 1);
            doc["truncated"] = true;
            File.WriteAllText(path, doc.ToJsonString());
            o = new StringWriter();
            Assert.Equal(CheckerCli.ExitOk, CheckTraceCommand.Execute(path, Workload("deadlock.wl"), o, new StringWriter()));
            Assert.Contains("10 of 10 events", o.ToString());
            Assert.Contains("partial", o.ToString());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Bad_json_names_the_field()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():n}.json");
        File.WriteAllText(path, """{"procs": 1, "events": [{"seq": 1, "kind": "Teleport", "m": 0, "p": 0, "g": 1}]}""");
        try
        {
            var e = new StringWriter();
            Assert.Equal(CheckerCli.ExitBadInput, CheckTraceCommand.Execute(path, Workload("pingpong.wl"), new StringWriter(), e));
            Assert.Contains("event 0: 'kind' 'Teleport' is not an event kind", e.ToString());
        }
        finally { File.Delete(path); }
    }
}
