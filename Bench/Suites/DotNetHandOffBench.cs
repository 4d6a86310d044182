using BenchmarkDotNet.Attributes;
using Bench.Peers;

namespace Bench.Suites;

/// <summary>
/// What does .NET's own cheapest hand-off cost? The in-process peers of the <c>peers</c> table under BenchmarkDotNet:
/// each benchmark performs <see cref="HandOffs"/> one-way hand-offs (or yields, or spawns), so divide by it.
/// </summary>
[MemoryDiagnoser]
public class DotNetHandOffBench
{
    /// <summary>Hand-offs per invocation.</summary>
    public const int HandOffs = 10_000;

    /// <summary><c>await Task.Yield()</c> from two async loops on one single-threaded context.</summary>
    [Benchmark(OperationsPerInvoke = HandOffs)]
    public double TaskYieldSingleThread() => DotNetPeers.TaskYieldOnce(HandOffs / 2);

    /// <summary>SemaphoreSlim ping-pong between two threads.</summary>
    [Benchmark(OperationsPerInvoke = HandOffs)]
    public double SemaphoreSlimPingPong() => DotNetPeers.SemaphoreSlimHandOffOnce(HandOffs / 2);

    /// <summary>Channel&lt;int&gt; ping-pong between two thread-pool async loops.</summary>
    [Benchmark(OperationsPerInvoke = HandOffs)]
    public double ChannelPingPong() => DotNetPeers.ChannelPingPongOnce(HandOffs / 2);

    /// <summary>Task.Run of an empty delegate, awaited in batches of 1000.</summary>
    [Benchmark(OperationsPerInvoke = HandOffs)]
    public double TaskRunSpawn() => DotNetPeers.TaskRunSpawnOnce(HandOffs);
}
