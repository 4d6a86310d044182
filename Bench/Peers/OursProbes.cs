using Bench.Scheduler;
using Bench.Stubs;

namespace Bench.Peers;

/// <summary>
/// Checker's own series for the comparison: the native stubs (Native, through <see cref="StubHarness"/>) and the
/// scheduler operations (Implementation, through whole workload runs), each sampled the way its peers are.
/// </summary>
public static class OursProbes
{
    /// <summary>Native switch_to between two goroutines, no C#; ns per switch.</summary>
    public static Series Switch(StubHarness h, long n) =>
        Series.Of("ours", () => h.Switch(n).TotalNanoseconds / n, () => h.Switch(n / 10));

    /// <summary>C# → goroutine → C# through entry and an mcall(Gosched); ns per round trip.</summary>
    public static Series RoundTrip(StubHarness h, long n) =>
        Series.Of("ours", () => h.RoundTrip(n).TotalNanoseconds / n, () => h.RoundTrip(n / 10));

    /// <summary>systemstack from a goroutine into an [UnmanagedCallersOnly] C# no-op on g0 and back; ns per call.</summary>
    public static Series Systemstack(StubHarness h, long n) =>
        Series.Of("ours", () => h.Systemstack(n).TotalNanoseconds / n, () => h.Systemstack(n / 10));

    /// <summary>Gosched through the full scheduler on 1 P, two goroutines taking turns; ns per Gosched.</summary>
    public static Series Gosched(int n) => Scheduler(BenchWorkloads.Gosched, n, opsPerN: 2);

    /// <summary>go + run + exit through the scheduler on 1 P, in batches of 1000; ns per goroutine.</summary>
    public static Series SpawnExit(int batches) => Scheduler(BenchWorkloads.SpawnExit, batches, opsPerN: 1000);

    /// <summary>release/acquire hand-off between two goroutines on 1 P; ns per hand-off.</summary>
    public static Series PingPong(int n) => Scheduler(BenchWorkloads.PingPong, n, opsPerN: 2);

    static Series Scheduler(Func<int, Model.Workload.Workload> make, int n, double opsPerN)
    {
        var timer = SchedulerRunner.Timer();
        var workload = make(n);
        var tiny = make(1);
        var fixedCost = TimeSpan.Zero;
        // The size-1 run does opsPerN operations of its own: they are part of what is subtracted, so count n - 1 sizes.
        return Series.Of("ours", () => timer.NsPerOp(workload, opsPerN * (n - 1), fixedCost), () =>
        {
            SchedulerRunner.Run(make(Math.Max(1, n / 10))); // JIT the runtime's paths
            fixedCost = timer.FixedCost(tiny);
        });
    }

    /// <summary>Resident set growth per goroutine parked in acquire, measured in a fresh process (the memory verb).</summary>
    public static Series BytesPerParked(int count) => Series.Of("ours", () => SelfProcess.Memory("ours", count));

    /// <summary>The memory verb's own measurement, in this process.</summary>
    public static double BytesPerParkedHere(int count) => SchedulerRunner.BytesPerParked(count);
}
