using Bench.Scheduler;
using Model.Workload;

namespace Bench.Tests;

public class SchedulerWorkloadTests
{
    public static TheoryData<string, Workload> All() => new()
    {
        { "gosched", BenchWorkloads.Gosched(10) },
        { "spawn-exit", BenchWorkloads.SpawnExit(2) },
        { "pingpong", BenchWorkloads.PingPong(10) },
        { "parked", BenchWorkloads.Parked(100) },
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
    public void Differential_timer_cancels_the_fixed_cost()
    {
        // A fake runtime: 5 ms to start, then 40 ns per repeat iteration of main.
        static TimeSpan Fake(Workload w) =>
            TimeSpan.FromMilliseconds(5) + TimeSpan.FromTicks(4L * ((RepeatOp)w["main"].Ops.Ops.Last()).Count) / 10; // 1 tick = 100 ns
        var timer = new DifferentialTimer(Fake);
        // Gosched(n) has 2n yields, so 40 ns per main iteration is 20 ns per yield.
        Assert.Equal(20.0, timer.NsPerOp(BenchWorkloads.Gosched, 100_000, opsPerN: 2, reps: 3), precision: 6);
    }

    [Fact]
    public void Differential_timer_refuses_a_result_that_is_not_positive()
    {
        var timer = new DifferentialTimer(_ => TimeSpan.FromMilliseconds(1));
        Assert.Throws<InvalidOperationException>(() => timer.NsPerOp(BenchWorkloads.PingPong, 10, 2, 1));
    }
}
