using System.Text.Json;
using Conformance.Cli;

namespace Conformance.Tests.Cli;

/// <summary>The `checker` command line: options are validated (exit 2, naming the option), JSON summaries have their keys.</summary>
[Collection("native runtime")]
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (CheckerCli.Run(args), o.ToString(), e.ToString()); }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Theory]
    [InlineData("--procs", "0", "--procs")]
    [InlineData("--procs", "1,x", "--procs")]
    [InlineData("--procs", "65", "--procs")]
    [InlineData("--time", "soon", "--time")]
    [InlineData("--time", "0s", "--time")]
    [InlineData("--count", "0", "--count")]
    [InlineData("--count", "many", "--count")]
    [InlineData("--seed", "-1", "--seed")]
    public void Bad_check_options_exit_2_naming_the_option(string option, string value, string named)
    {
        var (code, _, err) = Run("check", option, value, "--json");
        Assert.Equal(CheckerCli.ExitBadInput, code);
        Assert.Contains(named, err);
    }

    [Fact]
    public void A_workload_file_with_a_syntax_error_exits_2_with_line_and_column()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():n}.wl");
        File.WriteAllText(file, "main {\n  yield\n  jump\n}\n");
        try
        {
            var (code, _, err) = Run("check", "--workload", file, "--json");
            Assert.Equal(CheckerCli.ExitBadInput, code);
            Assert.Contains(":3:3:", err);
            Assert.Contains("--workload", err);
        }
        finally { File.Delete(file); }
        var (missing, _, err2) = Run("check", "--workload", "/nonexistent/x.wl", "--json");
        Assert.Equal(CheckerCli.ExitBadInput, missing);
        Assert.Contains("cannot read", err2);
    }

    [Theory]
    [InlineData("replay", "not-a-token")]
    [InlineData("replay", "ck1AAAA")]
    [InlineData("mutants", "--only", "NoSuchMutant")]
    [InlineData("frobnicate")]
    public void Bad_input_to_other_verbs_exits_2(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.Equal(CheckerCli.ExitBadInput, code);
        Assert.False(string.IsNullOrWhiteSpace(err));
    }

    [Fact]
    public void Check_json_prints_workloads_events_and_violations()
    {
        var (code, output, _) = Run("check", "--count", "6", "--procs", "1,2", "--seed", "3", "--json", "--reports", Path.Combine(Path.GetTempPath(), "checker-cli-test"));
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(6, root.GetProperty("workloads").GetInt32());
        Assert.True(root.GetProperty("events").GetInt64() > 0);
        var violations = root.GetProperty("violations").GetInt32();
        Assert.Equal(violations == 0 ? CheckerCli.ExitOk : CheckerCli.ExitViolation, code);
        Assert.Equal(3, root.GetProperty("byProcs").GetProperty("1").GetProperty("workloads").GetInt32());
        Assert.Equal(3UL, root.GetProperty("seed").GetUInt64());
    }

    [Fact]
    public void Mutants_json_prints_killed_and_total()
    {
        var (code, output, _) = Run("mutants", "--json", "--only", "RunqPutIgnoresNext", "GoidReused", "--time-each", "15s");
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(2, doc.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(2, doc.RootElement.GetProperty("killed").GetInt32());
        Assert.Equal(CheckerCli.ExitOk, code);
        foreach (var m in doc.RootElement.GetProperty("mutants").EnumerateArray())
            Assert.True(m.GetProperty("secondsToDetection").GetDouble() < 15);
    }
}
