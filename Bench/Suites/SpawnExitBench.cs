using BenchmarkDotNet.Attributes;
using Bench.Scheduler;
using Model.Workload;

namespace Bench.Suites;

/// <summary>How much does a goroutine cost from go to exit on 1 P? Batches of 1000 created, run and exited.</summary>
public class SpawnExitBench : SchedulerBench
{
    const int Batches = 100;

    /// <inheritdoc/>
    protected override Workload Build() => BenchWorkloads.SpawnExit(Batches);

    /// <summary>Builds and runs the workload once.</summary>
    [GlobalSetup]
    public void Setup() => SetupWorkload();

    /// <summary>One goroutine per operation.</summary>
    [Benchmark(OperationsPerInvoke = Batches * 1000)]
    public long SpawnExit() => RunChecked();
}
