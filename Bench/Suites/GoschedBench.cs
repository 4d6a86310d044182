using BenchmarkDotNet.Attributes;
using Bench.Scheduler;
using Model.Workload;

namespace Bench.Suites;

/// <summary>How much does Gosched cost through the full scheduler on 1 P? Two goroutines yield in turn.</summary>
public class GoschedBench : SchedulerBench
{
    const int PerGoroutine = 100_000;

    /// <inheritdoc/>
    protected override Workload Build() => BenchWorkloads.Gosched(PerGoroutine);

    /// <summary>Builds and runs the workload once.</summary>
    [GlobalSetup]
    public void Setup() => SetupWorkload();

    /// <summary>One Gosched per operation.</summary>
    [Benchmark(OperationsPerInvoke = 2 * PerGoroutine)]
    public long Gosched() => RunChecked();
}
