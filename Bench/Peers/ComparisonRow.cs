namespace Bench.Peers;

/// <summary>
/// One operation measured on Checker's runtime ("ours") and on each peer, all in <see cref="Unit"/>.
/// Lower is better for every row (ns per operation, bytes per goroutine).
/// </summary>
public sealed record ComparisonRow(string Operation, string Unit, string Description, Measurement Ours, IReadOnlyList<PeerResult> Peers)
{
    /// <summary>peer / ours, when both exist and ours is positive; above 1 means ours is cheaper.</summary>
    public static double? Ratio(Measurement ours, Measurement peer) =>
        ours.Value is double o && peer.Value is double p && o > 0 ? p / o : null;
}
