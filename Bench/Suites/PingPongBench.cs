using BenchmarkDotNet.Attributes;
using Bench.Scheduler;
using Model.Workload;

namespace Bench.Suites;

/// <summary>How much does a semaphore hand-off between two goroutines cost, on 1 and on 2 Ps? release/acquire ping-pong.</summary>
public class PingPongBench : SchedulerBench
{
    const int RoundTrips = 100_000;

    /// <summary>GOMAXPROCS.</summary>
    [Params(1, 2)]
    public int P { get; set; }

    /// <inheritdoc/>
    protected override int Procs => P;

    /// <inheritdoc/>
    protected override Workload Build() => BenchWorkloads.PingPong(RoundTrips);

    /// <summary>Builds and runs the workload once.</summary>
    [GlobalSetup]
    public void Setup() => SetupWorkload();

    /// <summary>One hand-off (half a round trip) per operation.</summary>
    [Benchmark(OperationsPerInvoke = 2 * RoundTrips)]
    public long PingPong() => RunChecked();
}
