namespace Model.Checking;

/// <summary>Bounds and settings of a search.</summary>
public sealed record CheckerOptions
{
    /// <summary>Worker threads (1: sequential). Results do not depend on it unless a bound stops the search.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Stop once this many distinct states are known.</summary>
    public long MaxStates { get; init; } = long.MaxValue;
    /// <summary>Do not expand states at this depth or deeper.</summary>
    public int MaxDepth { get; init; } = int.MaxValue;
    /// <summary>Stop after this long.</summary>
    public TimeSpan? TimeLimit { get; init; }
    /// <summary>Stop after the level where a (non-deadlock) property first fails. Off: search everything.</summary>
    public bool StopAtFirstViolation { get; init; } = true;
    /// <summary>Called about every <see cref="ProgressInterval"/> from a timer thread with live statistics.</summary>
    public Action<CheckerStats>? Progress { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Fingerprint seed (fixed: fingerprints are stable across runs and processes).</summary>
    public long Seed { get; init; } = 0x5EED_C0DE;
}

/// <summary>Live statistics of a search.</summary>
public readonly record struct CheckerStats(long Generated, long Distinct, int Depth, long Queue, TimeSpan Elapsed)
{
    public double StatesPerSecond => Elapsed.TotalSeconds > 0 ? Distinct / Elapsed.TotalSeconds : 0;

    public override string ToString() =>
        $"{Distinct:N0} distinct, {Generated:N0} generated, depth {Depth}, queue {Queue:N0}, {StatesPerSecond:N0} states/s";
}
