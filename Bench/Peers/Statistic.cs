namespace Bench.Peers;

/// <summary>How a figure summarises its samples.</summary>
public enum Statistic
{
    /// <summary>The middle sample: the default, what a typical run costs on this machine as it is.</summary>
    Median,
    /// <summary>The smallest sample: the least disturbed run, closest to the intrinsic cost on a noisy machine.</summary>
    Min,
}
