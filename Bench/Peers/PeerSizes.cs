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
/// <param name="IoReads">Reads per sample of the io row: ours (io 1), go-timerfd and c-timerfd.</param>
/// <param name="PipeMessages">One-way messages per sample of Go's pipe round trip in the io row.</param>
/// <param name="Sleeps">Sleeps of 1 µs per sample of ours in the sleep row.</param>
/// <param name="GoSleeps">Sleeps per sample of Go's time.Sleep(1 µs) (each waits a millisecond or so: see the row).</param>
public sealed record PeerSizes(
    int Rounds, long SwitchIterations, long StubIterations, int GoN, int SchedN, int SpawnBatches,
    int DotNetYieldN, int HandOffN, int SpawnN, int Parked, int ChanMessages, int DotNetChanMessages,
    int IoReads, int PipeMessages, int Sleeps, int GoSleeps)
{
    /// <summary>The default: about two minutes on a loaded 2-core machine.</summary>
    public static PeerSizes Full { get; } = new(7, 10_000_000, 5_000_000, 1_000_000, 500_000, 200, 500_000, 100_000, 200_000, 100_000, 1_000_000, 200_000,
        10_000, 200_000, 5_000, 500);

    /// <summary>--quick: about 15 seconds.</summary>
    public static PeerSizes Quick { get; } = new(3, 2_000_000, 1_000_000, 200_000, 200_000, 100, 100_000, 20_000, 50_000, 100_000, 200_000, 40_000,
        4_000, 100_000, 2_000, 200);

    /// <summary>Tiny sizes for the end-to-end test: every figure is computed, none means anything.</summary>
    public static PeerSizes Smoke { get; } = new(3, 20_000, 10_000, 5_000, 50_000, 50, 2_000, 500, 2_000, 20_000, 100_000, 1_000,
        200, 2_000, 50, 10);
}
