using Bench.Scheduler;
using Model.Workload;

namespace Bench.Tests;

public class SchedulerWorkloadTests
{
    public static TheoryData<string, Workload> All() => new()
    {
        { "gosched", BenchWorkloads.Gosched(10) },
        { "spawn-exit", BenchWorkloads.SpawnExit(2) },
        { "grow-2k-64k", BenchWorkloads.Grow(2) },
        { "pingpong", BenchWorkloads.PingPong(10) },
        { "parked", BenchWorkloads.Parked(100) },
        { "io", BenchWorkloads.Io(10) },
        { "sleep", BenchWorkloads.Sleep(10) },
    };

    [Theory]
    [MemberData(nameof(All))]
    public void Bench_workloads_are_well_formed(string name, Workload w)
    {
        Assert.True(WorkloadValidator.IsWellFormed(w), name + ": " + string.Join("; ", WorkloadValidator.Problems(w)));
        Assert.Equal(Workload.MainBody, w.Bodies[0].Name);
    }

    [Fact]
    public void Sizes_go_where_the_operations_are()
    {
        var g = BenchWorkloads.Gosched(7);
        Assert.All(g.Bodies, b => Assert.Equal(7, Assert.IsType<RepeatOp>(b.Ops.Ops.Last()).Count));
        var p = BenchWorkloads.Parked(5);
        Assert.Equal([5, 5, 5], p["main"].Ops.Ops.Cast<RepeatOp>().Select(r => r.Count));
        var s = BenchWorkloads.SpawnExit(3);
        var outer = Assert.IsType<RepeatOp>(Assert.Single(s["main"].Ops.Ops));
        Assert.Equal(3, outer.Count);
        Assert.Equal(1000, Assert.IsType<RepeatOp>(outer.Body[0]).Count);
    }

    [Fact]
    public void Workload_timer_subtracts_the_fastest_size_1_run()
    {
        // A fake runtime: 5 ms to start (plus 1 ms of jitter on every other run), then 40 ns per repeat iteration of main.
        var calls = 0;
        TimeSpan Fake(Workload w) =>
            TimeSpan.FromMilliseconds(5 + (calls++ % 2)) + TimeSpan.FromTicks(4L * ((RepeatOp)w["main"].Ops.Ops.Last()).Count) / 10;
        var timer = new WorkloadTimer(Fake);
        var fixedCost = timer.FixedCost(BenchWorkloads.Gosched(1), runs: 4);
        Assert.Equal(TimeSpan.FromMilliseconds(5) + TimeSpan.FromTicks(4) / 10, fixedCost);
        // Gosched(n) has 2n yields, so 40 ns per main iteration is 20 ns per yield; count the n - 1 sizes above size 1.
        calls = 0; // an even call: no jitter
        Assert.Equal(20.0, timer.NsPerOp(BenchWorkloads.Gosched(100_001), 2 * 100_000, fixedCost), precision: 6);
    }

    [Fact]
    public void Workload_timer_refuses_a_run_no_longer_than_the_fixed_cost()
    {
        var timer = new WorkloadTimer(_ => TimeSpan.FromMilliseconds(1));
        var fixedCost = timer.FixedCost(BenchWorkloads.PingPong(1));
        Assert.Throws<InvalidOperationException>(() => timer.NsPerOp(BenchWorkloads.PingPong(10), 18, fixedCost));
    }
}
