namespace Bench.Peers;

/// <summary>
/// Measures the series of one row in interleaved rounds: every round takes one sample of each series, starting one
/// series later each round, so a burst of load from other processes lands on all of them alike and their ratios stay
/// meaningful on a noisy machine. Each figure is the median (or the minimum) of its samples.
/// </summary>
public static class InterleavedSampler
{
    /// <summary>Samples every series <paramref name="rounds"/> times; returns one measurement per series, in order.</summary>
    public static IReadOnlyList<Measurement> Run(IReadOnlyList<Series> series, int rounds, TextWriter? progress = null, string? label = null,
        Statistic statistic = Statistic.Median)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var samples = series.Select(_ => new List<double>()).ToArray();
        var failures = series.Select(s => s.Unavailable).ToArray();
        for (var r = 0; r < rounds; r++)
        {
            for (var k = 0; k < series.Count; k++)
            {
                var i = (r + k) % series.Count;
                if (failures[i] is not null) continue;
                try
                {
                    samples[i].Add(series[i].Sample());
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures[i] = "failed: " + Measurement.OneLine(e.Message);
                }
            }
            progress?.Write(r + 1 == rounds ? "\n" : ".");
        }
        var results = new Measurement[series.Count];
        for (var i = 0; i < series.Count; i++)
        {
            results[i] = failures[i] is string note ? Measurement.Missing(note) : Summarise(samples[i], statistic);
            if (progress is not null && label is not null)
                progress.WriteLine($"peers: {label}: {series[i].Name} = {(results[i].Value is double v ? v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : results[i].Note)}");
        }
        return results;
    }

    /// <summary>The note for a median that is not positive (a differential figure drowned in noise).</summary>
    public const string TooNoisy = "failed: the median sample was not positive (too noisy)";

    static Measurement Summarise(List<double> xs, Statistic statistic)
    {
        if (xs.Count == 0) return Measurement.Missing("failed: no sample");
        xs.Sort();
        var m = statistic == Statistic.Min ? xs[0]
            : xs.Count % 2 == 1 ? xs[xs.Count / 2] : (xs[xs.Count / 2 - 1] + xs[xs.Count / 2]) / 2;
        return m > 0 ? Measurement.Of(m) : Measurement.Missing(TooNoisy);
    }
}
