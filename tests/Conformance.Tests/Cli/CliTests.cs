using Checker.Tests;
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
    [InlineData("0")]
    [InlineData("65")]
    [InlineData("two")]
    public void A_bad_number_of_workers_exits_2_naming_the_option(string value)
    {
        var (code, _, err) = Run("check", "--workers", value, "--json");
        Assert.Equal(CheckerCli.ExitBadInput, code);
        Assert.Contains("--workers", err);
    }

    [Fact]
    public void Check_in_process_and_in_workers_print_the_same_counts()
    {
        var args = new[] { "check", "--count", "6", "--procs", "1,2,4", "--seed", "8", "--json", "--reports", Path.Combine(Path.GetTempPath(), "checker-cli-test") };
        var (code1, out1, _) = Run([.. args, "--in-process"]);
        var (code2, out2, _) = Run([.. args, "--workers", "1"]);
        Assert.Equal(code1, code2);
        using var a = JsonDocument.Parse(out1);
        using var b = JsonDocument.Parse(out2);
        foreach (var key in new[] { "workloads", "events", "violations" })
            Assert.Equal(a.RootElement.GetProperty(key).GetInt64(), b.RootElement.GetProperty(key).GetInt64());
    }

    [DiagnosticBuildFact]
    public void The_crashing_mutant_is_killed_as_a_RuntimeCrash_and_the_checker_survives()
    {
        var (code, output, _) = Run("mutants", "--json", "--only", "GoschedPcTruncated", "--time-each", "20s");
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(CheckerCli.ExitOk, code);
        var m = Assert.Single(doc.RootElement.GetProperty("mutants").EnumerateArray());
        Assert.True(m.GetProperty("killed").GetBoolean());
        Assert.StartsWith("RuntimeCrash", m.GetProperty("verdict").GetString());
        Assert.Contains("SIGSEGV", m.GetProperty("verdict").GetString());
        Assert.True(m.GetProperty("secondsToDetection").GetDouble() < 20);
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

    [DiagnosticBuildFact]
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
