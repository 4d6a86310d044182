using Model.Workload;

namespace Model.Tests;

/// <summary>
/// Cooperative preemption in the model: sysmon's Preempt action (preemptone: gp.preempt, stackguard0 = stackPreempt),
/// when it is enabled, and its delivery at the next checked prologue (newstack's preempt path, gopreempt_m: E7 and
/// the global run queue), after which the g resumes at the same prologue.
/// </summary>
public class PreemptionTests
{
    private static readonly SchedAction Preempt0 = new(SchedActionKind.Preempt, 0);

    /// <summary>Steps the only non-preemption action until <paramref name="until"/> holds.</summary>
    private static SchedState StepUntil(SchedModel model, SchedState s, Func<SchedState, bool> until)
    {
        for (var i = 0; i < 200 && !until(s); i++)
            s = model.Step(s, model.Actions(s).Single(a => a.Kind != SchedActionKind.Preempt)).Next;
        Assert.True(until(s), "the state was never reached");
        return s;
    }

    [Fact]
    public void A_request_is_delivered_at_the_next_call_and_the_g_resumes_at_that_prologue()
    {
        var model = new SchedModel(WorkloadParser.Parse("main { go x; call 64 { work 1 }; go x }\nx { }"), new SchedConfig { Sysmon = true });
        var s = model.Initial();
        // Boot, execute main, and main's first Run step (go x): its time slice has run user code, so sysmon may ask.
        s = StepUntil(model, s, st => st.Ms[0].Phase == MPhase.Running && st.Ms[0].Curg != 0);
        s = model.Step(s, new SchedAction(SchedActionKind.Run, 0)).Next;
        Assert.Contains(Preempt0, model.Actions(s));

        var (asked, askEvents) = model.Step(s, Preempt0);
        Assert.Equal("PreemptRequest g1 0 0 0 0 (m-1 p0)", Assert.Single(askEvents).ToString());
        var main = asked.AllGs[0];
        Assert.True(main.Preempt);
        Assert.True(main.GuardPreempt);
        Assert.DoesNotContain(Preempt0, model.Actions(asked)); // one request at a time

        // The call's prologue fails the check: morestack saves the call's pc, newstack preempts (no growth).
        var (preempted, events) = model.Step(asked, new SchedAction(SchedActionKind.Run, 0));
        Assert.Equal(
        [
            EventKind.GobufSave, EventKind.Morebuf, EventKind.Status, EventKind.GoPreempt, EventKind.GlobRunqPut,
        ], events.Select(e => e.Kind));
        Assert.Equal(AbstractPc.At(1).Code, events[0].B);
        Assert.Equal(Transitions.Gosched, (int)events[2].C);
        main = preempted.AllGs[0];
        Assert.Equal(GStatus.Runnable, main.Status);
        Assert.Equal(1, main.ResumeCall);
        Assert.True(main.Preempt); // kept until execute, as in Go
        Assert.Equal([0], preempted.GlobalRunQ);
        Assert.Equal(MPhase.Schedule, preempted.Ms[0].Phase);

        // x runs (runnext), then main again from the global queue: execute clears the request and starts a fresh
        // slice (no request before main has run), the prologue passes, and main goes on to its second go.
        var resumed = StepUntil(model, preempted, st => st.Ms[0].Curg == 1 && st.Ms[0].Phase == MPhase.Running);
        Assert.False(resumed.AllGs[0].Preempt);
        Assert.False(resumed.AllGs[0].GuardPreempt);
        Assert.True(resumed.Ps[0].SliceFresh);
        Assert.DoesNotContain(Preempt0, model.Actions(resumed));
        var (after, afterEvents) = model.Step(resumed, new SchedAction(SchedActionKind.Run, 0));
        Assert.DoesNotContain(afterEvents, e => e.Kind is EventKind.GoPreempt or EventKind.StackGrow);
        Assert.Contains(afterEvents, e => e.Kind == EventKind.GoCreate);
        Assert.Equal(-1, after.AllGs[0].ResumeCall);
        Assert.Equal(0ul, SchedInvariants.Failing(after, model.Config));
    }

    [Fact]
    public void A_body_without_a_call_is_never_asked()
    {
        var model = new SchedModel(WorkloadParser.Parse("main { go x; go x; work 5; go x }\nx { }"), new SchedConfig { Sysmon = true });
        var s = model.Initial();
        for (var i = 0; i < 100 && model.Actions(s).Count > 0; i++)
        {
            Assert.DoesNotContain(model.Actions(s), a => a.Kind == SchedActionKind.Preempt);
            s = model.Step(s, model.Actions(s)[0]).Next;
        }
        Assert.Equal(Outcome.Completed, s.Outcome);
    }

    [Fact]
    public void Without_sysmon_there_is_no_request()
    {
        var model = new SchedModel(WorkloadParser.Parse("main { go x; call 64 { go x } }\nx { }"), new SchedConfig { Sysmon = false });
        var (final, actions, _) = model.RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.DoesNotContain(actions, a => a.Kind == SchedActionKind.Preempt);
    }

    [Fact]
    public void A_request_to_a_g_that_exits_with_a_grown_stack_leaves_preempt_but_not_the_guard()
    {
        // gfput frees the grown stack (stackguard0 = 0), gp.preempt stays: Go's gfget then gives the plain guard.
        var model = new SchedModel(WorkloadParser.Parse("main { call 4000 { go x } }\nx { }"), new SchedConfig { Sysmon = true });
        var s = StepUntil(model, model.Initial(), st => st.AllGs.Count == 2 && st.Ms[0].Phase == MPhase.Running && st.Ms[0].Curg == 1);
        s = model.Step(s, Preempt0).Next;
        s = model.Step(s, new SchedAction(SchedActionKind.Run, 0)).Next; // the end of main's body: goexit0, gfput
        var main = s.AllGs[0];
        Assert.Equal(GStatus.Dead, main.Status);
        Assert.Equal(0, main.StackSize);
        Assert.True(main.Preempt);
        Assert.False(main.GuardPreempt);
    }

    [Fact]
    public void S3_fails_on_a_guard_without_the_flag_or_a_resume_point_on_a_parked_g()
    {
        Assert.EndsWith("(S3)", SchedInvariants.AlwaysNames[SchedInvariants.PreemptGuard], StringComparison.Ordinal);
        var model = new SchedModel(WorkloadParser.Parse("main { go x; call 64 { work 1 }; go x }\nx { }"), new SchedConfig { Sysmon = true });
        var s = StepUntil(model, model.Initial(), st => st.Ms[0].Phase == MPhase.Running && st.Ms[0].Curg != 0);
        s = model.Step(s, new SchedAction(SchedActionKind.Run, 0)).Next;
        s = model.Step(s, Preempt0).Next;
        var preempted = model.Step(s, new SchedAction(SchedActionKind.Run, 0)).Next;
        bool Fails(SchedState st) => (SchedInvariants.Failing(st, model.Config) & (1UL << SchedInvariants.PreemptGuard)) != 0;
        Assert.False(Fails(s));
        Assert.False(Fails(preempted));

        var noFlag = s.Clone();
        noFlag.AllGs[0].Preempt = false; // stackPreempt without gp.preempt
        Assert.True(Fails(noFlag));

        var parked = preempted.Clone();
        parked.AllGs[0].Status = GStatus.Waiting; // a resume prologue on a g that is not runnable
        Assert.True(Fails(parked));

        var wrongPc = preempted.Clone();
        wrongPc.AllGs[0].Sched.Pc = AbstractPc.Entry; // not the prologue morestack saved
        Assert.True(Fails(wrongPc));
    }

    [Fact]
    public void Exploring_a_preemption_workload_on_two_Ps_breaks_no_property_and_every_run_ends()
    {
        var model = new SchedModel(WorkloadParser.Parse(
            "main { go c; go c; acquire d; acquire d }\nc { go l; call 256 { call 512 { work 1 } }; release d }\nl { call 64 { } }"),
            new SchedConfig { Procs = 2, Sysmon = true });
        var r = new Model.Checking.BfsChecker<SchedState, SchedAction>(model, new Model.Checking.CheckerOptions { StopAtFirstViolation = false }).Run();
        Assert.True(r.Exhausted);
        Assert.DoesNotContain(r.Violations, v => !v.IsDeadlock);
        var cycles = new Model.Checking.CycleChecker<SchedState, SchedAction>(model).Run();
        Assert.Null(cycles.Found);
    }
}
