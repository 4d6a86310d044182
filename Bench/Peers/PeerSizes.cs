namespace Bench.Peers;

/// <summary>How much work each figure of the <c>peers</c> command does.</summary>
/// <param name="Rounds">Interleaved rounds per row (samples per series).</param>
/// <param name="SwitchIterations">Switch ping-pong iterations per sample (ours, c-minimal, boost-context).</param>
/// <param name="StubIterations">Round trips or systemstack calls per sample.</param>
/// <param name="GoN">The Go program's -n for gosched, spawn-exit and pingpong.</param>
/// <param name="SchedN">Our scheduler workloads' n: yields per goroutine (Gosched), round trips (ping-pong).</param>
/// <param name="SpawnBatches">Our spawn-exit workload's batches of 1000.</param>
/// <param name="DotNetYieldN">Yields per loop for dotnet-yield.</param>
/// <param name="HandOffN">Round trips for the .NET hand-offs.</param>
/// <param name="SpawnN">Tasks for dotnet-taskrun.</param>
/// <param name="Parked">Goroutines (or async methods) parked for the memory row.</param>
/// <param name="ChanMessages">One-way messages per sample of the channel rows, the same for ours and Go (the ping-pongs
/// do half as many round trips).</param>
/// <param name="DotNetChanMessages">Messages per sample of the .NET channel peers of the channel rows.</param>
public sealed record PeerSizes(
    int Rounds, long SwitchIterations, long StubIterations, int GoN, int SchedN, int SpawnBatches,
    int DotNetYieldN, int HandOffN, int SpawnN, int Parked, int ChanMessages, int DotNetChanMessages)
{
    /// <summary>The default: about a minute on a 2-core machine.</summary>
    public static PeerSizes Full { get; } = new(7, 10_000_000, 5_000_000, 1_000_000, 500_000, 200, 500_000, 100_000, 200_000, 100_000, 1_000_000, 200_000);

    /// <summary>--quick: about 15 seconds.</summary>
    public static PeerSizes Quick { get; } = new(3, 2_000_000, 1_000_000, 200_000, 200_000, 100, 100_000, 20_000, 50_000, 100_000, 200_000, 40_000);

    /// <summary>Tiny sizes for the end-to-end test: every figure is computed, none means anything.</summary>
    public static PeerSizes Smoke { get; } = new(3, 20_000, 10_000, 5_000, 50_000, 50, 2_000, 500, 2_000, 20_000, 100_000, 1_000);
}
