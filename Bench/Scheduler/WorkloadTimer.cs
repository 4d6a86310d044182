using Model.Workload;

namespace Bench.Scheduler;

/// <summary>
/// Times an operation through whole workload runs. Every run has a fixed cost besides its operations (starting and
/// joining the M threads, the first and last schedule); it is measured once as the fastest of several runs of the same
/// workload at size 1 and subtracted: ns/op = (T(size n) − T(size 1)) / (operations of n − operations of 1). The
/// workloads are sized so that the fixed cost is about 1% of a run, so its own jitter hardly matters, while each sample
/// is a single run (a burst of load from elsewhere spoils one sample, not a difference of two).
/// </summary>
public sealed class WorkloadTimer(Func<Workload, TimeSpan> run)
{
    /// <summary>The fixed cost of a run: the fastest of <paramref name="runs"/> runs of <paramref name="tiny"/>.</summary>
    public TimeSpan FixedCost(Workload tiny, int runs = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var t = run(tiny);
            if (t < best) best = t;
        }
        return best;
    }

    /// <summary>One sample: (T(<paramref name="workload"/>) − <paramref name="fixedCost"/>) / <paramref name="operations"/>, in ns.</summary>
    public double NsPerOp(Workload workload, double operations, TimeSpan fixedCost)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(operations, 0);
        var t = run(workload) - fixedCost;
        if (t <= TimeSpan.Zero)
            throw new InvalidOperationException($"the run took no longer than an empty one ({fixedCost.TotalMilliseconds:0.###} ms): make the workload larger");
        return t.TotalNanoseconds / operations;
    }
}
