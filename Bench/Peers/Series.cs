namespace Bench.Peers;

/// <summary>
/// One column of a row being measured: a name ("ours", "go", ...) and a sampler that returns one fresh sample per call
/// (ns per operation, or bytes), or the reason there is nothing to sample (a compiler is missing, say).
/// </summary>
public sealed class Series
{
    readonly Func<double>? _sample;
    readonly Action? _warmUp;
    bool _warm;

    Series(string name, Func<double>? sample, Action? warmUp, string? unavailable)
    {
        Name = name;
        _sample = sample;
        _warmUp = warmUp;
        Unavailable = unavailable;
    }

    /// <summary>"ours" or the peer's key.</summary>
    public string Name { get; }

    /// <summary>Why this series cannot be sampled, or null.</summary>
    public string? Unavailable { get; }

    /// <summary>A series sampled by <paramref name="sample"/>; <paramref name="warmUp"/> runs once before the first sample.</summary>
    public static Series Of(string name, Func<double> sample, Action? warmUp = null) => new(name, sample, warmUp, null);

    /// <summary>A series with no figure, only a note (e.g. "n/a (golang-go missing: run scripts/install-peers.sh)").</summary>
    public static Series Missing(string name, string note) => new(name, null, null, note);

    /// <summary>Takes one sample (warming up first if this is the first one). Throws whatever the sampler throws.</summary>
    public double Sample()
    {
        if (_sample is null) throw new InvalidOperationException(Unavailable);
        if (!_warm)
        {
            _warmUp?.Invoke();
            _warm = true;
        }
        return _sample();
    }
}
