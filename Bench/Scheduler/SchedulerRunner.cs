using Implementation;
using Model.Workload;

namespace Bench.Scheduler;

/// <summary>Runs a bench workload on Checker's runtime (Implementation.GoRuntime) and returns the run's own elapsed time.</summary>
public static class SchedulerRunner
{
    /// <summary>Runs <paramref name="workload"/> free-running on <paramref name="procs"/> Ps with tracing off; a run that
    /// does not complete is an error carrying the runtime's message.</summary>
    public static TimeSpan Run(Workload workload, int procs = 1)
    {
        var result = GoRuntime.Run(workload, new RuntimeOptions { Procs = procs, Trace = false, Timeout = TimeSpan.FromMinutes(2) });
        if (result.Outcome != RunOutcome.Completed)
            throw new InvalidOperationException($"{result.Outcome}: {Peers.Measurement.OneLine(result.Message)}");
        return result.Elapsed;
    }

    /// <summary>The timer for runs on <paramref name="procs"/> Ps.</summary>
    public static WorkloadTimer Timer(int procs = 1) => new(w => Run(w, procs));

    /// <summary>
    /// Resident set growth per parked goroutine: <paramref name="count"/> goroutines parked in acquire at once
    /// (<see cref="BenchWorkloads.Parked"/>), measured as the run's peak resident set (VmHWM, reset just before) minus
    /// the resident set before it. Call it in a fresh process (the <c>memory ours</c> verb).
    /// </summary>
    public static double BytesPerParked(int count)
    {
        Run(BenchWorkloads.Parked(100)); // JIT the runtime's paths; its stacks go back when the run ends
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var workload = BenchWorkloads.Parked(count);
        Peers.Rss.ResetPeak();
        var before = Peers.Rss.CurrentBytes();
        Run(workload);
        var peak = Peers.Rss.PeakBytes();
        return (peak - before) / (double)count;
    }
}
