using Model.Checking;
using Model.Workload;

namespace Model.Tests.Timers;

/// <summary>time.Sleep in the model: the per-P 4-ary timer heap, checkTimers at findRunnable's top and in stealWork's
/// last pass, and checkdead's timejump (Go's faketime) as the only way the virtual clock moves.</summary>
public class SleepTests
{
    private static SchedModel Model(string text, SchedConfig? cfg = null) => new(WorkloadParser.Parse(text), cfg);

    private static ExploreResult<SchedState, SchedAction> Explore(string text, SchedConfig cfg) =>
        new BfsChecker<SchedState, SchedAction>(new SchedModel(WorkloadParser.Parse(text), cfg)).Run();

    [Fact]
    public void Two_sleepers_on_one_P_wake_in_deadline_order_through_two_timejumps()
    {
        var model = Model("main {\n go a\n sleep 30\n}\na { sleep 10 }");
        var (final, _, events) = model.RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(30, final.Now);
        var timed = events.Where(e => e.Kind is EventKind.GoSleep or EventKind.TimerAdd or EventKind.TimerFire or EventKind.TimeJump
            or EventKind.GoUnblock).Select(e => e.ToString()).ToArray();
        string[] expected =
        [
            // main parks (GoSleep, E5 before it), its timer goes on P0's heap: when 30, heap size 1.
            "GoSleep g1 0 0 0 0 (m0 p0)",
            "TimerAdd g1 0 30 1 0 (m0 p0)",
            // a sleeps 10: it sifts up above main's timer (heap size 2).
            "GoSleep g2 0 0 0 0 (m0 p0)",
            "TimerAdd g2 0 10 2 0 (m0 p0)",
            // M0 finds nothing and stops; checkdead: a timer is pending, so the clock jumps to 10 and M0 is started
            // again (spinning) with P0; checkTimers at findRunnable's top runs a's timer, which readies a into runnext.
            "TimeJump g0 10 0 0 0 (m0 p-1)",
            "TimerFire g2 0 10 1 0 (m0 p0)",
            "GoUnblock g2 0 -1 2 0 (m0 p0)",
            "TimeJump g0 30 0 0 0 (m0 p-1)",
            "TimerFire g1 0 30 0 0 (m0 p0)",
            "GoUnblock g1 0 -1 2 0 (m0 p0)",
        ];
        Assert.Equal(expected, timed);
        // The readied g is taken from runnext (inheritTime = 1), as goready's runqput(next = true) left it.
        var i = events.ToList().FindIndex(e => e.Kind == EventKind.TimerFire);
        Assert.Equal("RunnextPut g2 0 0 0 0 (m0 p0)", events[i + 3].ToString());
        Assert.Equal("RunqGet g2 0 0 1 0 (m0 p0)", events[i + 4].ToString());
        Assert.Equal("GoStart g2 1 0 0 0 (m0 p0)", events[i + 6].ToString());
    }

    [Fact]
    public void Sleep_0_is_pure_code_and_takes_no_step()
    {
        var (final, actions, events) = Model("main { sleep 0 }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.DoesNotContain(events, e => e.Kind is EventKind.GoSleep or EventKind.TimerAdd);
        Assert.Equal(0, final.Now);
        Assert.Equal(Model("main { }").RunToCompletion().Actions.Count, actions.Count);
    }

    [Fact]
    public void A_pending_timer_is_not_a_deadlock_but_a_sema_nobody_releases_still_is()
    {
        var (final, _, _) = Model("main {\n go s\n acquire x\n}\ns { sleep 5; release x }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        var (dead, _, events) = Model("main {\n go s\n acquire x\n}\ns { sleep 5 }").RunToCompletion();
        Assert.Equal(Outcome.Fatal, dead.Outcome);
        Assert.Equal(Throw.Deadlock, dead.Fatal);
        Assert.Single(events, e => e.Kind == EventKind.TimeJump);
    }

    [Fact]
    public void The_heap_is_Gos_4_ary_heap_siftup_and_siftdown()
    {
        // Deadlines pushed in this order; Go's siftupTimer leaves this array (parent (i-1)/4, stop at a parent that
        // is not later), and each dodeltimer0 moves the last entry to the root and sifts it down.
        var t = new TestStates();
        var p = t.State.Ps[0];
        long[] whens = [50, 40, 30, 20, 10, 60, 5, 45];
        for (var i = 0; i < whens.Length; i++)
        {
            p.Timers.Add(new TimerEntry(whens[i], i));
            Stepper.SiftUpTimer(p.Timers, p.Timers.Count - 1);
        }
        Assert.Equal([5L, 10, 40, 30, 20, 60, 50, 45], p.Timers.Select(e => e.When));
        var popped = new List<long>();
        while (p.Timers.Count > 0) popped.Add(Stepper.DoDelTimer0(p).When);
        Assert.Equal([5L, 10, 20, 30, 40, 45, 50, 60], popped);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_state_of_sleepers_and_spinners_keeps_every_invariant(int procs)
    {
        var r = Explore("main {\n go a\n go b\n sleep 20\n acquire d\n acquire d\n}\na { sleep 10; release d }\nb { repeat 2 { yield }; release d }",
            new SchedConfig { Procs = procs });
        Assert.Empty(r.Violations);
        Assert.True(r.Exhausted);
        Assert.Equal(0, r.Deadlocks);
        Assert.True(r.TerminalStates > 0);
    }

    [Fact]
    public void On_two_Ps_a_thief_runs_another_Ps_due_timer_into_its_own_runnext()
    {
        // b sleeps on P1 (it was stolen there); when the clock jumps, the M started gets P0 from pidle (LIFO) and
        // steals b's timer from P1 in stealWork's last pass: TimerFire names P1's heap, runnext is P0's.
        var r = Explore("main {\n go b\n yield\n}\nb { sleep 10 }", new SchedConfig { Procs = 2 });
        Assert.Empty(r.Violations);
        var model = Model("main {\n go b\n yield\n}\nb { sleep 10 }", new SchedConfig { Procs = 2 });
        var found = false;
        // A walk that always takes the last action reaches the steal.
        foreach (var seed in Enumerable.Range(0, 40))
        {
            var s = model.Initial();
            var rng = new Random(seed);
            var all = new List<SchedEvent>();
            while (true)
            {
                var acts = model.Actions(s);
                if (acts.Count == 0) break;
                var (next, ev) = model.Step(s, acts[rng.Next(acts.Count)]);
                all.AddRange(ev);
                s = next;
            }
            var fire = all.FindIndex(e => e.Kind == EventKind.TimerFire);
            if (fire < 0 || all[fire].A == all[fire].P) continue;
            found = true;
            Assert.Equal(EventKind.RunnextPut, all[fire + 3].Kind);
            Assert.Equal(all[fire].P, all[fire + 3].P);
            Assert.Equal(Outcome.Completed, s.Outcome);
        }
        Assert.True(found, "no walk stole a timer");
    }
}
