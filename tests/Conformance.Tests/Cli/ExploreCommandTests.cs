using System.Text.Json;
using Conformance.Cli;

namespace Conformance.Tests.Cli;

/// <summary>`checker explore`: verdicts, JSON keys and bad-input paths, by exit code and message.</summary>
public sealed class ExploreCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("checker-explore-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Out, string Err) Explore(ExploreCommand.Settings settings)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var exit = ExploreCommand.Execute(settings, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    [Fact]
    public void A_workload_that_completes_on_every_schedule_exits_0_with_its_state_count_in_json()
    {
        var path = Write("two.wl", "main {\n  go w\n  acquire d\n}\nw { yield; release d }\n");
        var (exit, output, _) = Explore(new ExploreCommand.Settings(path, Procs: 2, Json: true));
        Assert.Equal(CheckerCli.ExitOk, exit);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("distinctStates").GetInt64() > 1);
        Assert.True(root.GetProperty("maxDepth").GetInt32() > 1);
        Assert.True(root.TryGetProperty("statesPerSecond", out _));
        Assert.Equal(0, root.GetProperty("violations").GetArrayLength());
        Assert.Equal(0, root.GetProperty("deadlocks").GetInt64());
    }

    [Fact]
    public void The_state_count_does_not_depend_on_the_thread_count()
    {
        var path = Write("pp.wl", "main {\n  go pong\n  repeat 2 { release ping; acquire pong }\n}\npong {\n  repeat 2 { acquire ping; release pong }\n}\n");
        long Count(int threads)
        {
            var (exit, output, _) = Explore(new ExploreCommand.Settings(path, Procs: 2, Threads: threads, Json: true));
            Assert.Equal(CheckerCli.ExitOk, exit);
            using var doc = JsonDocument.Parse(output);
            return doc.RootElement.GetProperty("distinctStates").GetInt64();
        }
        Assert.Equal(Count(1), Count(2));
    }

    [Fact]
    public void A_deadlock_exits_1_in_Go_words()
    {
        var path = Write("dead.wl", "main {\n  go w\n  acquire never\n}\nw { acquire never }\n");
        var (exit, output, error) = Explore(new ExploreCommand.Settings(path, Procs: 1));
        Assert.Equal(CheckerCli.ExitViolation, exit);
        Assert.Contains("all goroutines are asleep - deadlock!", output + error);
    }

    [Fact]
    public void A_syntax_error_exits_2_with_file_line_and_column()
    {
        var path = Write("bad.wl", "main {\n  yield\n  jump 3\n}\n");
        var (exit, _, error) = Explore(new ExploreCommand.Settings(path));
        Assert.Equal(CheckerCli.ExitBadInput, exit);
        Assert.Contains($"{path}:3:3:", error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void A_bad_procs_option_exits_2_naming_the_option(int procs)
    {
        var path = Write("ok.wl", "main { yield }\n");
        var (exit, _, error) = Explore(new ExploreCommand.Settings(path, Procs: procs));
        Assert.Equal(CheckerCli.ExitBadInput, exit);
        Assert.Contains("--procs", error);
    }

    [Fact]
    public void A_missing_file_exits_2()
    {
        var (exit, _, error) = Explore(new ExploreCommand.Settings(Path.Combine(_dir, "missing.wl")));
        Assert.Equal(CheckerCli.ExitBadInput, exit);
        Assert.Contains("cannot read workload file", error);
    }
}
