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

    /// <summary>
    /// A scheduler row's workload and what one unit of its size is worth: <see cref="Make"/>(n) does
    /// <see cref="OpsPerN"/> × n of the operations the row is per (yields, goroutines, hand-offs, messages).
    /// </summary>
    public sealed record Shape(Func<int, Model.Workload.Workload> Make, int OpsPerN)
    {
        /// <summary>The size that does <paramref name="ops"/> operations (rounded down to a whole size, at least 2).</summary>
        public int SizeFor(int ops) => Math.Max(2, ops / OpsPerN);
    }

    /// <summary>Two goroutines yielding n times each: 2n Gosched calls.</summary>
    public static Shape GoschedShape { get; } = new(BenchWorkloads.Gosched, 2);

    /// <summary>n batches of 1000 goroutines.</summary>
    public static Shape SpawnExitShape { get; } = new(BenchWorkloads.SpawnExit, 1000);

    /// <summary>n batches of 1000 goroutines whose stacks grow 2 KiB → 64 KiB.</summary>
    public static Shape GrowShape { get; } = new(BenchWorkloads.Grow, 1000);

    /// <summary>n round trips of release/acquire: 2n hand-offs.</summary>
    public static Shape PingPongShape { get; } = new(BenchWorkloads.PingPong, 2);

    /// <summary>n round trips over unbuffered channels: 2n messages.</summary>
    public static Shape ChanPingPongShape { get; } = new(BenchWorkloads.ChanPingPong, 2);

    /// <summary>n messages through the buffered channel.</summary>
    public static Shape ChanBufferedShape { get; } = new(BenchWorkloads.ChanBuffered, 1);

    /// <summary>n round trips whose receives are selects: 2n messages.</summary>
    public static Shape ChanSelectShape { get; } = new(BenchWorkloads.ChanSelect, 2);

    /// <summary>Two goroutines reading with io 1: 2n reads.</summary>
    public static Shape IoShape { get; } = new(BenchWorkloads.Io, 2);

    /// <summary>n sleeps of 1 µs.</summary>
    public static Shape SleepShape { get; } = new(BenchWorkloads.Sleep, 1);

    /// <summary>Gosched through the full scheduler on 1 P, two goroutines taking turns; ns per Gosched.</summary>
    public static Series Gosched(int n) => Scheduler(GoschedShape, n);

    /// <summary>go + run + exit through the scheduler on 1 P, in batches of 1000; ns per goroutine.</summary>
    public static Series SpawnExit(int batches) => Scheduler(SpawnExitShape, batches);

    /// <summary>go + 30 nested 1,900-byte calls (2 KiB → 64 KiB, five doublings) + exit on 1 P, in batches of 1000;
    /// ns per goroutine.</summary>
    public static Series Grow(int batches) => Scheduler(GrowShape, batches);

    /// <summary>release/acquire hand-off between two goroutines on 1 P; ns per hand-off.</summary>
    public static Series PingPong(int n) => Scheduler(PingPongShape, n);

    /// <summary>Unbuffered-channel ping-pong on 1 P (<see cref="BenchWorkloads.ChanPingPong"/>); ns per one-way message,
    /// <paramref name="messages"/> of them a sample (the same count the Go peer sends).</summary>
    public static Series ChanPingPong(int messages) => Scheduler(ChanPingPongShape, ChanPingPongShape.SizeFor(messages));

    /// <summary>Buffered-channel throughput on 1 P, one producer and one consumer, capacity 128
    /// (<see cref="BenchWorkloads.ChanBuffered"/>); ns per message.</summary>
    public static Series ChanBuffered(int messages) => Scheduler(ChanBufferedShape, ChanBufferedShape.SizeFor(messages));

    /// <summary>Ping-pong whose receives are two-case selects, on 1 P (<see cref="BenchWorkloads.ChanSelect"/>); ns per
    /// one-way message.</summary>
    public static Series ChanSelect(int messages) => Scheduler(ChanSelectShape, ChanSelectShape.SizeFor(messages));

    /// <summary>io 1 by two goroutines on 1 P, free-running (real timerfds, real epoll); ns per read,
    /// <paramref name="reads"/> of them a sample.</summary>
    public static Series Io(int reads) => Scheduler(IoShape, IoShape.SizeFor(reads));

    /// <summary>sleep 1 in a loop on 1 P, free-running on the real clock; ns per sleep, <paramref name="sleeps"/> a
    /// sample.</summary>
    public static Series Sleep(int sleeps) => Scheduler(SleepShape, SleepShape.SizeFor(sleeps));

    /// <summary>The divisor of one sample of <paramref name="shape"/> at size <paramref name="n"/>: the operations of
    /// size n minus those of the size-1 run whose time (the fixed cost) is subtracted.</summary>
    public static double Divisor(Shape shape, int n) => (double)shape.OpsPerN * (n - 1);

    static Series Scheduler(Shape shape, int n)
    {
        var timer = SchedulerRunner.Timer();
        var workload = shape.Make(n);
        var tiny = shape.Make(1);
        var fixedCost = TimeSpan.Zero;
        // The size-1 run does OpsPerN operations of its own: they are part of what is subtracted, so count n - 1 sizes.
        return Series.Of("ours", () => timer.NsPerOp(workload, Divisor(shape, n), fixedCost), () =>
        {
            SchedulerRunner.Run(shape.Make(Math.Max(1, n / 10))); // JIT the runtime's paths
            fixedCost = timer.FixedCost(tiny);
        });
    }

    /// <summary>Resident set growth per goroutine parked in acquire, measured in a fresh process (the memory verb).</summary>
    public static Series BytesPerParked(int count) => Series.Of("ours", () => SelfProcess.Memory("ours", count));

    /// <summary>The memory verb's own measurement, in this process.</summary>
    public static double BytesPerParkedHere(int count) => SchedulerRunner.BytesPerParked(count);
}
