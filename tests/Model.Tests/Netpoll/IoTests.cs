using Model.Checking;
using Model.Workload;

namespace Model.Tests.Netpoll;

/// <summary>io N in the model: netpollblock on a pollDesc, netpoll(0) before stealing and at findRunnable's blocking
/// call site, injectglist's split, and checkdead's timejump to the next io deadline.</summary>
public class IoTests
{
    private static SchedModel Model(string text, SchedConfig? cfg = null) => new(WorkloadParser.Parse(text), cfg);

    private static ExploreResult<SchedState, SchedAction> Explore(string text, SchedConfig cfg) =>
        new BfsChecker<SchedState, SchedAction>(new SchedModel(WorkloadParser.Parse(text), cfg)).Run();

    private static string[] NetEvents(IEnumerable<SchedEvent> events) =>
        events.Where(e => e.Kind is EventKind.GoBlockNet or EventKind.NetpollBlock or EventKind.Netpoll
            or EventKind.InjectGlist or EventKind.TimeJump or EventKind.GoUnblock).Select(e => e.ToString()).ToArray();

    [Fact]
    public void Three_io_waiters_on_one_P_are_readied_by_one_netpoll_the_last_ready_first()
    {
        var (final, _, events) = Model("main {\n go a\n go b\n io 30\n}\na { io 10 }\nb { io 10 }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(30, final.Now);
        Assert.Equal(0, final.NetpollWaiters); // netpoll took its readied gs off the count (Go 1.22; 1.19 did not)
        Assert.Empty(final.PollDescList);
        string[] expected =
        [
            "GoBlockNet g1 1 0 0 0 (m0 p0)",
            "NetpollBlock g1 1 30 1 0 (m0 p0)",
            // b (g3, runnext) runs before a (g2, the ring): b's read gets pollDesc 2, a's 3.
            "GoBlockNet g3 2 0 0 0 (m0 p0)",
            "NetpollBlock g3 2 10 2 0 (m0 p0)",
            "GoBlockNet g2 3 0 0 0 (m0 p0)",
            "NetpollBlock g2 3 10 3 0 (m0 p0)",
            // M0 finds no g: netpoll(0) before stealing returns none (waiters 3, lastpoll free, nothing ready yet).
            "Netpoll g0 0 0 0 0 (m0 p0)",
            // M0 gives up; the blocking call site polls (faketime: delay 0), finds nothing, stopm; checkdead jumps
            // the clock to the earliest io deadline and starts M0 spinning with P0.
            "Netpoll g0 0 1 0 0 (m0 p-1)",
            "TimeJump g0 10 0 0 0 (m0 p-1)",
            // netpoll(0) before stealing: pollDescs 2 and 3 (same deadline, creation order) are pushed on a gList,
            // so a (pd 3) is its head and is returned; b goes through injectglist: no idle P, so to the local queue.
            "Netpoll g0 2 0 0 0 (m0 p0)",
            "GoUnblock g3 0 2 3 0 (m0 p0)",
            "InjectGlist g0 0 1 1 0 (m0 p0)",
            "GoUnblock g2 0 3 3 0 (m0 p0)",
        ];
        Assert.Equal(expected, NetEvents(events).Take(expected.Length));
        var list = events.ToList();
        var inject = list.FindIndex(e => e.Kind == EventKind.InjectGlist);
        Assert.Equal(EventKind.RunqPut, list[inject + 1].Kind);
        Assert.Equal(3, list[inject + 1].G);
        // a runs first (returned by findRunnable, not from runnext), then b from the ring, then main at 30.
        var starts = list.Where(e => e.Kind == EventKind.GoStart).Select(e => e.G).ToArray();
        Assert.Equal([1L, 3, 2, 2, 3, 1], starts);
    }

    [Fact]
    public void An_io_waiter_is_not_a_deadlock_but_a_sema_nobody_releases_still_is()
    {
        var (final, _, _) = Model("main {\n go s\n acquire x\n}\ns { io 5; release x }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(5, final.Now);
        var (dead, _, events) = Model("main {\n go s\n acquire x\n}\ns { io 5 }").RunToCompletion();
        Assert.Equal(Outcome.Fatal, dead.Outcome);
        Assert.Equal(Throw.Deadlock, dead.Fatal);
        Assert.Single(events, e => e.Kind == EventKind.TimeJump);
    }

    [Fact]
    public void The_clock_jumps_to_the_earlier_of_a_timer_and_an_io_deadline()
    {
        var (final, _, events) = Model("main {\n go a\n io 7\n}\na { sleep 3 }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal([3L, 7], events.Where(e => e.Kind == EventKind.TimeJump).Select(e => e.A));
    }

    [Fact]
    public void With_an_idle_P_injectglist_sends_its_share_to_the_global_queue_and_starts_an_M()
    {
        // Two Ps, three waiters readied at once by the M that the timejump started (it holds one P, one is idle):
        // one g is returned, of the other two min(npidle = 1, 2) = 1 goes global with startIdle(1), 1 goes local.
        const string text = "main {\n go a\n go b\n io 10\n}\na { io 10 }\nb { io 10 }";
        var model = Model(text, new SchedConfig { Procs = 2 });
        var seen = false;
        foreach (var seed in Enumerable.Range(0, 60))
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
            Assert.Equal(Outcome.Completed, s.Outcome);
            var i = all.FindIndex(e => e.Kind == EventKind.InjectGlist && e.A == 1 && e.B == 1);
            if (i < 0) continue;
            seen = true;
            Assert.Equal(EventKind.GlobRunqPut, all[i + 1].Kind);
            Assert.Equal(EventKind.RunqPut, all[i + 2].Kind);
        }
        Assert.True(seen, "no walk split injectglist between the global and the local queue");
        var r = Explore(text, new SchedConfig { Procs = 2 });
        Assert.Empty(r.Violations);
        Assert.True(r.Exhausted);
        Assert.Equal(0, r.Deadlocks);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_state_of_io_beside_syscalls_and_sleepers_keeps_every_invariant(int procs)
    {
        var r = Explore("main {\n go a\n go b\n io 20\n acquire d\n acquire d\n}\na { syscall 5; io 10; release d }\nb { sleep 10; yield; release d }",
            new SchedConfig { Procs = procs, Sysmon = true });
        Assert.Empty(r.Violations);
        Assert.True(r.Exhausted);
        Assert.Equal(0, r.Deadlocks);
        Assert.True(r.TerminalStates > 0);
    }

    [Fact]
    public void N1_fails_on_a_g_missing_from_its_pollDesc()
    {
        var model = Model("main {\n go a\n io 30\n}\na { io 10 }");
        var s = model.Initial();
        while (s.PollDescList.Count < 2) s = model.Step(s, model.Actions(s)[0]).Next;
        Assert.Equal(0UL, SchedInvariants.Failing(s, model.Config));
        var broken = s.Clone();
        broken.PollDescs.RemoveAt(0);
        Assert.NotEqual(0UL, SchedInvariants.Failing(broken, model.Config) & (1UL << SchedInvariants.NetWaiters));
        // Encode/Decode keeps pollDescs and each g's pd.
        var buf = new byte[16];
        var len = s.Encode(ref buf);
        var back = model.Blank();
        back.Decode(buf.AsSpan(0, len));
        Assert.Equal(s.Lines(), back.Lines());
    }
}
