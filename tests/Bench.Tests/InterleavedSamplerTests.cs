using Bench.Peers;

namespace Bench.Tests;

public class InterleavedSamplerTests
{
    [Fact]
    public void Rounds_interleave_the_series_and_rotate_the_first_one()
    {
        var order = new List<string>();
        Series Recording(string name, double value) => Series.Of(name, () => { order.Add(name); return value; }, () => order.Add(name + ":warm"));
        var m = InterleavedSampler.Run([Recording("a", 1), Recording("b", 2), Recording("c", 3)], rounds: 3);
        Assert.Equal(["a:warm", "a", "b:warm", "b", "c:warm", "c", "b", "c", "a", "c", "a", "b"], order);
        Assert.Equal([1.0, 2.0, 3.0], m.Select(x => x.Value!.Value));
    }

    [Fact]
    public void Each_figure_is_the_median_of_its_samples()
    {
        var samples = new Queue<double>([5, 1, 100, 3, 2]);
        var m = InterleavedSampler.Run([Series.Of("x", samples.Dequeue)], rounds: 5);
        Assert.Equal(3.0, m[0].Value);
    }

    [Fact]
    public void With_min_each_figure_is_the_smallest_sample()
    {
        var samples = new Queue<double>([5, 1.5, 100, 3, 2]);
        var m = InterleavedSampler.Run([Series.Of("x", samples.Dequeue)], rounds: 5, statistic: Statistic.Min);
        Assert.Equal(1.5, m[0].Value);
    }

    [Fact]
    public void A_failing_or_missing_series_becomes_a_note_and_the_others_still_run()
    {
        var calls = 0;
        var m = InterleavedSampler.Run(
        [
            Series.Of("ok", () => ++calls),
            Series.Of("boom", () => throw new InvalidOperationException("exited 1")),
            Series.Missing("absent", "n/a (golang-go missing: run scripts/install-peers.sh)"),
        ], rounds: 3);
        Assert.Equal(2.0, m[0].Value);
        Assert.Equal(3, calls);
        Assert.Equal("failed: exited 1", m[1].Note);
        Assert.Equal("n/a (golang-go missing: run scripts/install-peers.sh)", m[2].Note);
    }

    [Fact]
    public void A_median_that_is_not_positive_is_reported_as_noise()
    {
        var samples = new Queue<double>([-3, -1, 2]);
        var m = InterleavedSampler.Run([Series.Of("x", samples.Dequeue)], rounds: 3);
        Assert.Null(m[0].Value);
        Assert.Contains("too noisy", m[0].Note);
    }
}
