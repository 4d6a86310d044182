using Conformance.Cli;

namespace Conformance.Tests.Cli;

public class OptionParsingTests
{
    [Theory]
    [InlineData("90", 90_000)]
    [InlineData("90s", 90_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("2m", 120_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    public void Durations_parse(string text, int ms)
    {
        Assert.True(OptionParsing.TryParseDuration("--time", text, out var d, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(ms), d);
    }

    [Fact]
    public void Procs_parse_to_a_distinct_list()
    {
        Assert.True(OptionParsing.TryParseProcs("1, 2,4,2", out var procs, out _));
        Assert.Equal([1, 2, 4], procs);
        Assert.False(OptionParsing.TryParseProcs("", out _, out var error));
        Assert.Contains("--procs", error);
    }

    [Fact]
    public void Seeds_parse_in_decimal_and_hex()
    {
        Assert.True(OptionParsing.TryParseSeed("42", out var a, out _));
        Assert.True(OptionParsing.TryParseSeed("0x2a", out var b, out _));
        Assert.Equal(42UL, a);
        Assert.Equal(a, b);
        Assert.False(OptionParsing.TryParseSeed("4 2", out _, out var error));
        Assert.Contains("--seed", error);
    }
}
