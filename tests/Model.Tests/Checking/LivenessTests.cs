using Model.Checking;
using Model.Workload;

namespace Model.Tests.Checking;

/// <summary>Liveness: with no reachable cycle every run ends, and the end-state properties then give L1.</summary>
public class LivenessTests
{
    private static CycleChecker<SchedState, SchedAction>.Result Cycles(string text, SchedConfig cfg) =>
        new CycleChecker<SchedState, SchedAction>(new SchedModel(WorkloadParser.Parse(text), cfg)).Run();

    private static string Workload(string file) => File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "workloads", file));

    [Theory]
    [InlineData("example.wl", 2, false)]
    [InlineData("exit-depth.wl", 2, true)]
    [InlineData("deadlock.wl", 2, true)]
    [InlineData("example.wl", 1, true)]
    public void Every_run_of_the_sample_workloads_ends(string file, int procs, bool sysmon)
    {
        var r = Cycles(Workload(file), new SchedConfig { Procs = procs, Sysmon = sysmon });
        Assert.True(r.Found is null, r.Found is CycleChecker<SchedState, SchedAction>.Lasso l
            ? $"a cycle after {l.Stem}: {string.Join(", ", l.Cycle)}; it starts in {l.Stem.Last}" : "");
        Assert.True(r.Exhausted);
        Assert.True(r.States > 10);
    }

    [Fact]
    public void A_scheduler_that_spins_past_the_global_queue_is_a_cycle_where_a_runnable_g_never_runs()
    {
        var r = new CycleChecker<SchedState, SchedAction>(new BuggyModel("main { yield }", new SchedConfig(), ModelBug.Livelock)).Run();
        var lasso = Assert.IsType<CycleChecker<SchedState, SchedAction>.Lasso>(r.Found);
        Assert.Equal("Run(m0), Schedule(m0), Run(m0)", lasso.Stem.ToString());
        Assert.Equal([new SchedAction(SchedActionKind.Schedule, 0)], lasso.Cycle);
        Assert.True(lasso.WeaklyFair); // M0's step is the only one enabled, and it is taken forever
        var main = lasso.Stem.Last.AllGs[0];
        Assert.Equal(GStatus.Runnable, main.Status);
        Assert.Equal([0], lasso.Stem.Last.GlobalRunQ);
    }
}
