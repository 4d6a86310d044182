using Bench.Peers;
using Bench.Rendering;

namespace Bench.Tests;

public class FormatTests
{
    [Theory]
    [InlineData(2.2456, "ns", "2.25")]
    [InlineData(49.04, "ns", "49")]
    [InlineData(134.4, "ns", "134")]
    [InlineData(1601.7, "ns", "1,602")]
    [InlineData(0.5, "ns", "0.5")]
    [InlineData(2721.8, "bytes", "2,722")]
    public void Values_keep_three_significant_digits_and_bytes_are_whole(double v, string unit, string expected) =>
        Assert.Equal(expected, Format.Value(v, unit));

    [Theory]
    [InlineData(0.449, "0.45×")]
    [InlineData(1.0, "1.0×")]
    [InlineData(4.44, "4.4×")]
    [InlineData(21.8, "22×")]
    public void Ratios_read_as_multiples(double r, string expected) => Assert.Equal(expected, Format.Ratio(r));

    [Fact]
    public void Ratio_is_peer_over_ours_and_absent_without_both_figures()
    {
        Assert.Equal(4.0, ComparisonRow.Ratio(Measurement.Of(12.5), Measurement.Of(50)));
        Assert.Null(ComparisonRow.Ratio(Measurement.NotBuiltYet, Measurement.Of(50)));
        Assert.Null(ComparisonRow.Ratio(Measurement.Of(12.5), Measurement.Missing("x")));
    }

    [Fact]
    public void A_failing_measurement_becomes_a_note_not_a_number()
    {
        var m = Measurement.Try(() => throw new InvalidOperationException("go build exited 1:\nno Go files"));
        Assert.Null(m.Value);
        Assert.Equal("failed: go build exited 1: no Go files", m.Note);
        Assert.Equal("failed: not a finite number", Measurement.Of(double.NaN).Note);
    }

    [Theory]
    [InlineData(629_800.0, "629.8 k/s")]
    [InlineData(1_234_567.0, "1.23 M/s")]
    [InlineData(12.0, "12.0 /s")]
    public void Throughput_column_reads_in_thousands_and_millions(double v, string expected) =>
        Assert.Equal(expected, Bench.Suites.ThroughputColumn.PerSecond(v));
}
