using System.Text.Json;
using Conformance.Cli;

namespace Implementation.Tests;

/// <summary>`checker run`: each outcome and error path by exit code and message, on files named as a newcomer would.</summary>
public sealed class RunCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("checker-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Out, string Err) Execute(string path, string? procs = null, string? trace = null, bool json = false)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = RunCommand.Execute(path, procs, trace, json, noSysmon: false, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void A_completed_run_exits_0_and_prints_the_summary()
    {
        var path = File("my workload (1).txt", "# two workers\nmain {\n  go w; go w\n  acquire d; acquire d\n}\nw { yield; syscall 5; release d }\n");
        var (exit, output, _) = Execute(path, procs: "2");
        Assert.Equal(CheckerCli.ExitOk, exit);
        Assert.Contains("completed on 2 Ps", output);
        Assert.Contains("goroutines created  3", output);
        Assert.Contains("syscalls            2", output);
        Assert.Contains("switches", output);
        Assert.Contains("steals", output);
        Assert.Contains("elapsed", output);
    }

    [Fact]
    public void A_syntax_error_exits_2_with_file_line_and_column()
    {
        var path = File("bad.wl", "main {\n  yield\n  jump 3\n}\n");
        var (exit, _, err) = Execute(path);
        Assert.Equal(CheckerCli.ExitBadInput, exit);
        Assert.Contains($"{path}:3:3:", err);
    }

    [Fact]
    public void An_unknown_body_exits_2_naming_it()
    {
        var path = File("unknown.wl", "main {\n  go nobody\n}\n");
        var (exit, _, err) = Execute(path);
        Assert.Equal(CheckerCli.ExitBadInput, exit);
        Assert.Contains("nobody", err);
        Assert.Contains($"{path}:", err);
    }

    [Fact]
    public void A_missing_file_exits_2()
    {
        var (exit, _, err) = Execute(Path.Combine(_dir, "nope.wl"));
        Assert.Equal(CheckerCli.ExitBadInput, exit);
        Assert.Contains("cannot read workload file", err);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("-1")]
    [InlineData("1000")]
    public void A_bad_procs_option_exits_2_naming_the_option(string procs)
    {
        var path = File("ok.wl", "main { yield }");
        var (exit, _, err) = Execute(path, procs: procs);
        Assert.Equal(CheckerCli.ExitBadInput, exit);
        Assert.Contains("--procs", err);
    }

    [Fact]
    public void An_unknown_option_exits_2()
    {
        var path = File("ok.wl", "main { yield }");
        Assert.Equal(CheckerCli.ExitBadInput, CheckerCli.Run(["run", path, "--fast"]));
    }

    [Fact]
    public void A_deadlock_exits_3_with_Gos_message_and_the_blocked_goroutines()
    {
        var path = File("deadlock", "main {\n  go waiter\n  acquire never\n}\nwaiter {\n  acquire never\n}\n");
        var (exit, output, err) = Execute(path, json: true);
        Assert.Equal(CheckerCli.ExitDeadlock, exit);
        Assert.StartsWith("fatal error: all goroutines are asleep - deadlock!", err);
        Assert.Contains("goroutine 2 [semacquire]:", err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("deadlock", doc.RootElement.GetProperty("outcome").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("blocked").GetArrayLength());
    }

    [Fact]
    public void A_stack_overflow_exits_4_with_Gos_message()
    {
        var path = File("overflow.workload", "main {\n  call 600000000 { yield }\n}\n");
        var (exit, _, err) = Execute(path);
        Assert.Equal(CheckerCli.ExitFatal, exit);
        Assert.Contains("goroutine stack exceeds 1000000000-byte limit", err);
        Assert.Contains("fatal error: stack overflow", err);
        Assert.Contains("goroutine 1 [running]", err);
    }

    [Fact]
    public void Trace_writes_the_events_as_json()
    {
        var path = File("t.wl", "main { go w; yield }\nw { yield }");
        var tracePath = Path.Combine(_dir, "trace.json");
        var (exit, _, _) = Execute(path, trace: tracePath);
        Assert.Equal(CheckerCli.ExitOk, exit);
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(tracePath));
        var events = doc.RootElement.GetProperty("events");
        Assert.True(events.GetArrayLength() > 10);
        var kinds = events.EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("GoCreate", kinds);
        Assert.Contains("GoStart", kinds);
        Assert.Contains("GoEnd", kinds);
        Assert.Equal(2, doc.RootElement.GetProperty("bodies").GetArrayLength());
    }
}
