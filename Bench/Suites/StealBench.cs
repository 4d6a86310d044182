using BenchmarkDotNet.Attributes;
using Bench.Scheduler;
using Model.Workload;

namespace Bench.Suites;

/// <summary>
/// How fast do 4 Ps drain work created on one of them? main creates goroutines on its P; the other three Ps only get
/// work by stealing it (runqsteal) or from the global queue. One operation is one goroutine run to completion.
/// </summary>
public class StealBench : SchedulerBench
{
    /// <inheritdoc/>
    protected override int Procs => 4;

    /// <inheritdoc/>
    protected override Workload Build() => BenchWorkloads.Steal(BenchWorkloads.StealGoroutines);

    /// <summary>Builds and runs the workload once and checks that Ps really stole.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var r = SetupWorkload();
        if (r.Counters.Steals == 0)
            throw new InvalidOperationException("StealBench: no P stole any work; the benchmark would not measure stealing");
    }

    /// <summary>One goroutine per operation.</summary>
    [Benchmark(OperationsPerInvoke = BenchWorkloads.StealGoroutines)]
    public long Steal() => RunChecked();
}
