using Model.Workload;

namespace Model.Tests;

/// <summary>Actions(state) enumerates every enabled choice: which M steps, steal victims, sysmon's retakes.</summary>
public class ActionsTests
{
    [Fact]
    public void A_thief_may_steal_from_any_P_with_work_in_its_ring_and_runnext_only_when_no_ring_has_work()
    {
        var t = new TestStates(procs: 3);
        t.State.Ms[0].Spinning = true;
        t.State.NmSpinning = 1;
        var gs = t.NewGs(3);
        t.As(1);
        Stepper.RunQPut(t.Cx, t.State.Ps[1], gs[0], next: false);
        t.As(2);
        Stepper.RunQPut(t.Cx, t.State.Ps[2], gs[1], next: true);
        var actions = t.Model.Actions(t.State).Where(a => a.Id == 0).ToList();
        Assert.Equal([new SchedAction(SchedActionKind.Steal, 0, 1)], actions);

        t.State.Ps[1].Head = t.State.Ps[1].Tail; // P1's ring emptied
        t.State.AllGs[0].Status = GStatus.Dead;
        actions = t.Model.Actions(t.State).Where(a => a.Id == 0).ToList();
        Assert.Equal([new SchedAction(SchedActionKind.Steal, 0, 2)], actions);

        t.As(2);
        Stepper.RunQPut(t.Cx, t.State.Ps[2], gs[2], next: false);
        t.State.Ps[1].Tail++;                   // both rings have work again
        t.State.AllGs[0].Status = GStatus.Runnable;
        actions = t.Model.Actions(t.State).Where(a => a.Id == 0).ToList();
        Assert.Equal([new SchedAction(SchedActionKind.Steal, 0, 1), new SchedAction(SchedActionKind.Steal, 0, 2)], actions);
    }

    [Fact]
    public void Stealing_takes_half_the_victims_ring_and_runs_the_last_one_taken()
    {
        var t = new TestStates(procs: 2);
        t.State.Ms[0].Spinning = true;
        t.State.NmSpinning = 1;
        var gs = t.NewGs(5);
        t.State.GoidGen = 16;
        t.As(1);
        foreach (var g in gs) Stepper.RunQPut(t.Cx, t.State.Ps[1], g, next: false);
        var (next, events) = t.Model.Step(t.State, new SchedAction(SchedActionKind.Steal, 0, 1));
        // ceil(5/2) = 3 taken: g1 and g2 queue on P0, g3 runs; the M stops spinning.
        Assert.Equal(3, next.AllGs[next.Ms[0].Curg - 1].Goid);
        Assert.Equal([0, 1], next.Ps[0].RunQSlots());
        Assert.Equal([3, 4], next.Ps[1].RunQSlots());
        Assert.False(next.Ms[0].Spinning);
        Assert.Equal(new SchedEvent(EventKind.RunqSteal, 0, 0, 3, 1, 3, 3, 0), events[0]);
        Assert.Equal(0ul, SchedInvariants.Failing(next, t.Model.Config));
    }

    [Fact]
    public void In_a_syscall_the_M_may_return_or_sysmon_may_retake_its_P()
    {
        var model = new SchedModel(WorkloadParser.Parse("main { syscall 1 }"), new SchedConfig { Sysmon = true });
        var s = model.Initial();
        for (var i = 0; i < 3; i++) s = model.Step(s, model.Actions(s).Single()).Next;
        Assert.Equal(MPhase.Syscall, s.Ms[0].Phase);
        Assert.Equal([new SchedAction(SchedActionKind.ExitSyscall, 0), new SchedAction(SchedActionKind.Retake, 0)], model.Actions(s));

        var (retaken, events) = model.Step(s, new SchedAction(SchedActionKind.Retake, 0));
        Assert.Equal("PStatus p0 2->0 (m-1 p0)", Assert.Single(events).ToString());
        Assert.Equal(MPhase.Start, retaken.Ms[1].Phase); // handoffp: nobody spins, no P idle: a spinning M for it
        Assert.True(retaken.Ms[1].Spinning);

        var (slow, slowEvents) = model.Step(retaken, new SchedAction(SchedActionKind.ExitSyscall, 0));
        Assert.Equal(
        [
            "GobufSave g1 48 16 48 0 (m0 p-1)",
            "Status g1 _Gsyscall->_Grunnable E11 (m0 p-1)",
            "GoSysExit g1 0 0 0 0 (m0 p-1)",
            "GlobRunqPut g1 1 0 0 0 (m0 p-1)",
        ], slowEvents.Select(e => e.ToString()));
        Assert.Equal(MPhase.Idle, slow.Ms[0].Phase);
    }

    [Fact]
    public void With_one_P_and_no_sysmon_exactly_one_action_is_enabled_until_the_end()
    {
        var w = WorkloadParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workloads", "example.wl")));
        var model = new SchedModel(w);
        var (final, actions, _) = model.RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.All(actions, a => Assert.Equal(0, a.Id));
    }
}
