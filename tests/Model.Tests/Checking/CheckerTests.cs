using Model.Checking;
using Model.Workload;

namespace Model.Tests.Checking;

/// <summary>The BFS checker on the scheduler model: hand-worked state spaces, determinism across threads, bounds,
/// and deliberately broken models whose counterexamples are pinned.</summary>
public class CheckerTests
{
    private static ExploreResult<SchedState, SchedAction> Explore(string text, SchedConfig cfg, CheckerOptions? options = null) =>
        new BfsChecker<SchedState, SchedAction>(new SchedModel(WorkloadParser.Parse(text), cfg), options).Run();

    private static ExploreResult<SchedState, SchedAction> Explore(string text, SchedConfig cfg, ModelBug bug, CheckerOptions? options = null) =>
        new BfsChecker<SchedState, SchedAction>(new BuggyModel(text, cfg, bug), options).Run();

    private static string Workload(string file) => File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "workloads", file));

    [Fact]
    public void An_empty_main_on_one_P_has_five_states()
    {
        // init → (boot: main in runnext) → (main running) → (main dead, M0 in schedule) → (P idle, M0 stopped, completed).
        var r = Explore("main { }", new SchedConfig());
        Assert.Equal(5, r.Distinct);
        Assert.Equal(4, r.MaxDepth);
        Assert.Equal(1, r.TerminalStates);
        Assert.Empty(r.Violations);
        Assert.True(r.Exhausted);
    }

    [Fact]
    public void A_syscall_on_one_P_with_sysmon_has_sixteen_states()
    {
        // s0 init, s1 boot, s2 main running, s3 main in the syscall. Then:
        //  exitsyscall fast (s4), main exits (s5), M0 stops: completed (s6);
        //  or sysmon retakes P0 (s7), and handoffp starts a spinning M1 for it. From s7 either
        //   M0 exits the syscall: no P, slow path, main to the global queue, M0 stops (s8); M1 runs main (s9),
        //   main exits (s10), M1 stops: completed (s11);
        //   or M1 finds nothing, P0 goes idle, M1 stops (s12); M0's fast path takes the idle P0 (s13), main exits
        //   (s14), M0 stops: completed (s15).
        // 16 states, depth 8, terminals s6, s11, s15; 15 transitions plus the initial state generated.
        var r = Explore("main { syscall 1 }", new SchedConfig { Sysmon = true });
        Assert.Equal(16, r.Distinct);
        Assert.Equal(16, r.Generated);
        Assert.Equal(8, r.MaxDepth);
        Assert.Equal(3, r.TerminalStates);
        Assert.Empty(r.Violations);
    }

    [Fact]
    public void The_deadlock_workload_reports_Gos_deadlock_in_every_end_state()
    {
        var r = Explore(Workload("deadlock.wl"), new SchedConfig { Procs = 2 });
        var v = Assert.Single(r.Violations);
        Assert.True(v.IsDeadlock);
        Assert.Equal(r.TerminalStates, r.Deadlocks);
        Assert.Equal(r.Deadlocks, v.Count);
        Assert.Equal(Throw.Deadlock, v.Path.Last.Fatal);
        Assert.True(r.Exhausted);
    }

    [Fact]
    public void Results_are_the_same_at_any_thread_count()
    {
        var text = Workload("example.wl");
        var cfg = new SchedConfig { Procs = 2 };
        var one = Explore(text, cfg, new CheckerOptions { Threads = 1 });
        var two = Explore(text, cfg, new CheckerOptions { Threads = 2 });
        Assert.Equal(one.Distinct, two.Distinct);
        Assert.Equal(one.Generated, two.Generated);
        Assert.Equal(one.MaxDepth, two.MaxDepth);
        Assert.Equal(one.TerminalStates, two.TerminalStates);
        Assert.Empty(one.Violations);
        Assert.True(one.Distinct > 10_000);

        var b1 = Explore(text, cfg, ModelBug.DoubleEnqueue, new CheckerOptions { Threads = 1 });
        var b2 = Explore(text, cfg, ModelBug.DoubleEnqueue, new CheckerOptions { Threads = 3 });
        Assert.Equal(b1.Violations.Select(v => v.Property), b2.Violations.Select(v => v.Property));
        Assert.Equal(b1.Violations.Select(v => v.Path.ToString()), b2.Violations.Select(v => v.Path.ToString()));
        Assert.Equal(b1.Distinct, b2.Distinct);
    }

    [Fact]
    public void Bounds_stop_the_search_and_say_so()
    {
        var r = Explore(Workload("pingpong.wl"), new SchedConfig { Procs = 2 }, new CheckerOptions { MaxStates = 5_000 });
        Assert.False(r.Exhausted);
        Assert.StartsWith("state bound", r.StoppedBy);
        Assert.InRange(r.Distinct, 5_000, 20_000);
        var d = Explore(Workload("pingpong.wl"), new SchedConfig(), new CheckerOptions { MaxDepth = 10 });
        Assert.Equal(10, d.MaxDepth);
        Assert.Equal(11, d.Distinct); // one P: a line of states
        Assert.Equal("depth bound 10", d.StoppedBy);
    }

    private const string BugWorkload = "main {\n  go a\n  go b\n  acquire s\n}\na { release s }\nb { }";

    [Fact]
    public void The_specification_has_no_bug_switch_the_variants_live_in_the_tests()
    {
        Assert.Null(typeof(SchedConfig).GetProperty("Bug"));
        Assert.Null(typeof(SchedModel).Assembly.GetType("Model.ModelBug"));
    }

    [Fact]
    public void A_wrong_edge_is_found_with_its_shortest_path()
    {
        var r = Explore(BugWorkload, new SchedConfig(), ModelBug.WrongEdge);
        var v = r.Discovery(SchedInvariants.AlwaysNames[SchedInvariants.NoFatalError])!;
        Assert.NotNull(v);
        // boot, schedule main, go a, go b, park on s, schedule b (runnext), b exits, schedule a, a releases s:
        // ready takes _Gwaiting → _Grunning, which the edge table refuses.
        Assert.Equal("Run(m0), Schedule(m0), Run(m0), Run(m0), Run(m0), Schedule(m0), Run(m0), Schedule(m0), Run(m0)", v.Path.ToString());
        Assert.Equal("casgstatus: bad incoming values", v.Path.Last.Fatal.Message());
    }

    [Fact]
    public void A_lost_runnext_is_found_with_its_shortest_path()
    {
        var r = Explore(BugWorkload, new SchedConfig(), ModelBug.LostRunnext);
        var v = Assert.Single(r.Violations);
        Assert.Equal("each g is in exactly the place its status says (§7.10, §7.16)", v.Property);
        // The second go evicts a from runnext and forgets it: a is runnable on no queue.
        Assert.Equal("Run(m0), Schedule(m0), Run(m0), Run(m0)", v.Path.ToString());
        var a = v.Path.Last.AllGs[1];
        Assert.Equal(GStatus.Runnable, a.Status);
        Assert.Equal(3, v.Path.Last.Ps[0].RunNext);
        Assert.Equal(0u, v.Path.Last.Ps[0].Length);
    }

    [Fact]
    public void A_double_enqueue_is_found_with_its_shortest_path()
    {
        var r = Explore(BugWorkload, new SchedConfig(), ModelBug.DoubleEnqueue);
        var v = r.Discovery("a g is on one list at a time (§7.4)")!;
        Assert.NotNull(v);
        Assert.Equal("Run(m0), Schedule(m0), Run(m0), Run(m0), Run(m0), Schedule(m0), Run(m0), Schedule(m0), Run(m0)", v.Path.ToString());
        var s = v.Path.Last;
        Assert.Equal(1, s.Ps[0].RunNext);
        Assert.Equal([0], s.GlobalRunQ);
        var text = v.Path.Format(x => x.Lines());
        Assert.StartsWith("Path[9]:", text);
        Assert.Contains("- Run(m0)\n", text);
        Assert.Contains("+ sched: goidgen=16 runq=[0] runqsize=1", text);
    }

    [Fact]
    public void Each_invariant_catches_a_state_built_to_break_it()
    {
        var t = new TestStates(procs: 2, text: "main { acquire s }\nw { release s }");
        var g = t.NewG(GStatus.Running);
        t.State.Ms[0].Curg = g.Slot + 1;
        t.State.Ms[0].Phase = MPhase.Running;
        g.M = 1;
        g.Sched.Sp = 0; // gogo cleared sp and bp
        g.Sched.Bp = 0;
        t.State.GoidGen = 16;
        t.State.Ps[0].GoidCache = 2;
        t.State.Ps[0].GoidCacheEnd = 17;
        Assert.Equal(0ul, SchedInvariants.Failing(t.State, t.Model.Config));

        Assert.True(Fails(s => s.Ps[1].RunNext = 1, 1));                    // a running g in runnext
        Assert.True(Fails(s => s.AllGs[0].Sched.Sp = 3, 9));                // running with a saved sp
        Assert.True(Fails(s => s.AllGs[0].Sched.Ret = 1, 9));               // running with ret not cleared by gogo
        Assert.True(Fails(s => s.AllGs[0].Sched.G = 7, 10));                // B1
        Assert.True(Fails(s => s.AllGs[0].Status = GStatus.MoribundUnused, 0));
        Assert.True(Fails(s => s.Ps[1].Head = 5, 4));                       // tail − head wraps past 256
        Assert.True(Fails(s => s.RunQSize = 3, 5));
        Assert.True(Fails(s => s.AllGs[0].M = 2, 7));
        Assert.True(Fails(s => s.AllGs[0].Goid = 99, 12));
        Assert.True(Fails(s => s.Ms[1].P = 0, 14));
        Assert.True(Fails(s => s.NmSpinning = 1, 15));
        Assert.True(Fails(s => { s.SemaCount[0] = 1; s.SemaWaiters[0].Add(0); }, 17));
        Assert.True(Fails(s => { s.Outcome = Outcome.Fatal; s.Fatal = Throw.BadReady; }, SchedInvariants.NoFatalError));

        bool Fails(Action<SchedState> breakIt, int bit)
        {
            var s = t.State.Clone();
            breakIt(s);
            return (SchedInvariants.Failing(s, t.Model.Config) & (1ul << bit)) != 0;
        }
    }

    [Fact]
    public void Symmetry_reduction_merges_states_that_differ_only_by_goroutine_identity()
    {
        // Two identical workers: which one got which goid and g record does not matter.
        const string text = "main {\n  go w\n  go w\n  acquire s\n  acquire s\n}\nw {\n  yield\n  release s\n}";
        var plain = Explore(text, new SchedConfig { Procs = 2 });
        var reduced = Explore(text, new SchedConfig { Procs = 2, Symmetry = true });
        Assert.True(reduced.Distinct < plain.Distinct, $"{reduced.Distinct} vs {plain.Distinct}");
        Assert.Empty(plain.Violations);
        Assert.Empty(reduced.Violations);
        Assert.Equal(plain.MaxDepth, reduced.MaxDepth);
        var dead = Explore(Workload("deadlock.wl"), new SchedConfig { Procs = 2, Symmetry = true });
        Assert.Equal(Throw.Deadlock, Assert.Single(dead.Violations).Path.Last.Fatal);
    }

    [Fact]
    public void The_canonical_encoding_ignores_goids_and_slots_but_not_queue_order()
    {
        var t = new TestStates();
        var a = t.NewG();
        var b = t.NewG();
        Stepper.RunQPut(t.Cx, t.State.Ps[0], a, next: false);
        Stepper.RunQPut(t.Cx, t.State.Ps[0], b, next: false);
        var swapped = t.State.Clone();
        (swapped.AllGs[0].Goid, swapped.AllGs[1].Goid) = (7, 9);
        Assert.Equal(Canonical(t.State), Canonical(swapped));
        Assert.NotEqual(t.State.ToBytes(), swapped.ToBytes());
        var other = t.State.Clone();
        other.AllGs[1].After = 0;
        Assert.NotEqual(Canonical(t.State), Canonical(other));

        static byte[] Canonical(SchedState s)
        {
            var w = new ByteWriter(64);
            s.EncodeCanonical(ref w);
            return w.ToArray();
        }
    }
}
