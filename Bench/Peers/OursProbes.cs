using Bench.Scheduler;
using Bench.Stubs;

namespace Bench.Peers;

/// <summary>
/// Checker's own figures for the comparison: the native g→g switch (Native) and the scheduler operations (Implementation),
/// each measured the way its peers are. Every figure that needs a part of the runtime that does not exist yet reads
/// <see cref="Measurement.NotBuiltYet"/>.
/// </summary>
public static class OursProbes
{
    /// <summary>Native switch_to between two goroutines, no C#; ns per switch (median of 7, or 3 with --quick).</summary>
    public static Measurement Switch(bool quick) => Measurement.Try(() =>
    {
        using var h = new StubHarness();
        var n = quick ? 2_000_000L : 20_000_000L;
        return Median(quick ? 3 : 7, () => h.Switch(n).TotalNanoseconds / n, () => h.Switch(n / 10));
    });

    /// <summary>C# → goroutine → C# through entry and an mcall(Gosched); ns per round trip.</summary>
    public static Measurement RoundTrip(bool quick) => Measurement.Try(() =>
    {
        using var h = new StubHarness();
        var n = quick ? 1_000_000L : 10_000_000L;
        return Median(quick ? 3 : 7, () => h.RoundTrip(n).TotalNanoseconds / n, () => h.RoundTrip(n / 10));
    });

    /// <summary>systemstack from a goroutine into an [UnmanagedCallersOnly] C# no-op on g0 and back; ns per call.</summary>
    public static Measurement Systemstack(bool quick) => Measurement.Try(() =>
    {
        using var h = new StubHarness();
        var n = quick ? 1_000_000L : 10_000_000L;
        return Median(quick ? 3 : 7, () => h.Systemstack(n).TotalNanoseconds / n, () => h.Systemstack(n / 10));
    });

    static double Median(int reps, Func<double> once, Action warmUp)
    {
        warmUp();
        var xs = new double[reps];
        for (var i = 0; i < reps; i++) xs[i] = once();
        Array.Sort(xs);
        return xs[reps / 2];
    }

    /// <summary>Gosched through the full scheduler on 1 P, two goroutines taking turns; ns per Gosched.</summary>
    public static Measurement Gosched(bool quick) => Measurement.Try(() =>
        SchedulerRunner.Timer().NsPerOp(BenchWorkloads.Gosched, quick ? 100_000 : 1_000_000, opsPerN: 2, reps: quick ? 3 : 5));

    /// <summary>go + run + exit through the scheduler on 1 P, in batches of 1000; ns per goroutine.</summary>
    public static Measurement SpawnExit(bool quick) => Measurement.Try(() =>
        SchedulerRunner.Timer().NsPerOp(BenchWorkloads.SpawnExit, quick ? 50 : 500, opsPerN: 1000, reps: quick ? 3 : 5));

    /// <summary>release/acquire hand-off between two goroutines on 1 P; ns per hand-off.</summary>
    public static Measurement PingPong(bool quick) => Measurement.Try(() =>
        SchedulerRunner.Timer().NsPerOp(BenchWorkloads.PingPong, quick ? 100_000 : 1_000_000, opsPerN: 2, reps: quick ? 3 : 5));

    /// <summary>Resident set growth per goroutine parked in acquire. Run it in a fresh process (the memory verb).</summary>
    public static Measurement BytesPerParked(int count) => Measurement.Try(() => SchedulerRunner.BytesPerParked(count));

    /// <summary>Whether <see cref="BytesPerParked"/> can measure anything (the parent then spawns a child process for it).</summary>
    public static bool CanMeasureMemory => true;
}
