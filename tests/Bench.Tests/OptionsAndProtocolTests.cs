using Bench.Peers;

namespace Bench.Tests;

public class OptionsAndProtocolTests
{
    [Fact]
    public void Peers_options_parse_flags_and_the_output_folder()
    {
        var o = PeersOptions.Parse(["--quick", "--json", "--out", "x/y", "--no-install"], "default");
        Assert.Equal(new PeersOptions(true, true, "x/y", false), o);
        Assert.True(PeersOptions.Parse(["--update-readme"], "d").UpdateReadme);
        Assert.Equal(Statistic.Min, PeersOptions.Parse(["--min"], "d").Statistic);
        Assert.Equal(Statistic.Median, PeersOptions.Parse([], "d").Statistic);
        Assert.Equal(new PeersOptions(false, false, "default", true), PeersOptions.Parse([], "default"));
        Assert.Null(PeersOptions.Parse(["--no-write"], "default").OutDir);
    }

    [Theory]
    [InlineData("--fast", "unknown option '--fast'")]
    [InlineData("--out", "option '--out' needs a directory")]
    public void Bad_peers_options_name_the_option(string arg, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => PeersOptions.Parse([arg], null)).Message);

    [Fact]
    public void Result_lines_are_found_by_operation()
    {
        var stdout = "warming up\nRESULT switch 2.242 ns\nRESULT bytes-per-parked-goroutine 2721.8 bytes\n";
        Assert.Equal(2.242, ProcessRunner.ParseResult(stdout, "switch"));
        Assert.Equal(2721.8, ProcessRunner.ParseResult(stdout, "bytes-per-parked-goroutine"));
        Assert.Throws<FormatException>(() => ProcessRunner.ParseResult(stdout, "gosched"));
    }

    [Fact]
    public void Unknown_verbs_and_no_verb_are_usage_errors()
    {
        var err = new StringWriter();
        Assert.Equal(2, BenchProgram.Run(["frobnicate"], TextWriter.Null, err));
        Assert.Contains("unknown verb 'frobnicate'", err.ToString());
        Assert.Equal(2, BenchProgram.Run([], TextWriter.Null, TextWriter.Null));
        Assert.Equal(2, BenchProgram.Run(["peers", "--bogus"], TextWriter.Null, TextWriter.Null));
        Assert.Equal(2, BenchProgram.Run(["native", "--bogus"], TextWriter.Null, TextWriter.Null));
        Assert.Equal(2, BenchProgram.Run(["memory"], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void Machine_description_names_cores_and_the_dotnet_runtime()
    {
        var m = MachineInfo.Describe(Toolchain.Detect());
        Assert.Equal(Environment.ProcessorCount, m.Cores);
        Assert.StartsWith(".NET", m.DotNet);
        Assert.All(m.Entries(), e => Assert.False(string.IsNullOrWhiteSpace(e.Value), e.Key));
    }
}
