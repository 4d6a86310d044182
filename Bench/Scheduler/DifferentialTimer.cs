namespace Bench.Scheduler;

/// <summary>
/// Times an operation through whole workload runs, cancelling the fixed costs (runtime start, threads, compiling the
/// workload, the final teardown): each repetition runs the workload at size n and at size 2n and keeps
/// (T(2n) - T(n)) / (ops(2n) - ops(n)). The median over repetitions is reported.
/// </summary>
public sealed class DifferentialTimer(Func<Model.Workload.Workload, TimeSpan> run)
{
    /// <summary>One sample: (T(large) - T(small)) / <paramref name="extraOps"/>, in ns. May be negative when the machine is noisy.</summary>
    public double Sample(Model.Workload.Workload small, Model.Workload.Workload large, double extraOps)
    {
        var t1 = run(small);
        var t2 = run(large);
        return (t2 - t1).TotalNanoseconds / extraOps;
    }

    /// <summary>ns per operation, where <paramref name="make"/>(n) performs <paramref name="opsPerN"/> × n operations.</summary>
    public double NsPerOp(Func<int, Model.Workload.Workload> make, int n, double opsPerN, int reps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(reps, 1);
        var small = make(n);
        var large = make(2 * n);
        run(small); // warm up: JIT, stack pool, code pages
        var xs = new double[reps];
        for (var i = 0; i < reps; i++)
        {
            xs[i] = Sample(small, large, opsPerN * n);
        }
        Array.Sort(xs);
        var median = xs[reps / 2];
        if (median <= 0)
            throw new InvalidOperationException($"the larger run was not slower than the smaller one ({median:0.##} ns/op): too noisy, try without --quick");
        return median;
    }
}
