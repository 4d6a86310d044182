using System.Reflection;
using Checker.Tests;
using Implementation.Trace;
using Native;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>
/// Every seeded bug is a real behavioural change: on a workload that exercises it, in controlled mode with a fixed seed on 1 and 2 Ps
/// (so the unmutated runtime gives one exact trace), the mutant's run differs from the correct one in its trace or
/// its outcome. The flag itself appears nowhere in the trace.
/// </summary>
public class MutantTests
{
    private const string Workload = """
        main {
          go z
          repeat 3 { go n }
          yield
          go a
          yield
          release s
          repeat 300 { go c }
          repeat 3 { syscall 10 }
          repeat 70 { go w; yield }
        }
        a { acquire s; exit }
        c { yield }
        w { yield }
        z { sleep 5 }
        n { io 7 }
        """;

    /// <summary>
    /// For the channel mutants: three receivers queue on u (the oldest gets the first hand-off, readied into runnext; the first of main's yields comes straight back, schedtick 0 looking at the global queue first),
    /// b's ring wraps five times, close x has two receivers to wake, and each select finds both p and q ready, so the
    /// poll order decides which case wins.
    /// </summary>
    private const string ChanWorkload = """
        chan u 0
        chan b 2
        chan x 0
        chan p 1
        chan q 1
        main {
          go r; go r; go r
          yield; yield
          send u; send u; send u
          repeat 5 { send b; send b; recv b; recv b }
          go w; go w
          yield; yield
          close x
          repeat 8 { send p; send q; select { recv p; recv q }; select { recv p; recv q } }
        }
        r { recv u }
        w { recv x }
        """;

    /// <summary>The mutants that only channels and select reach.</summary>
    private static readonly HashSet<Mutant> ChanMutants =
    [
        Mutant.ChanHandoffNewestReceiver, Mutant.ChanWokenToTail, Mutant.ChanRecvxNotWrapped, Mutant.CloseWakesFirstOnly,
        Mutant.SelectIgnoresPollOrder,
    ];

    private static RunResult RunWith(Mutant mutant, int procs = 2)
        => Run(ChanMutants.Contains(mutant) ? ChanWorkload : Workload, new RuntimeOptions
        {
            Procs = procs, Trace = true, Controlled = true, Seed = 3, Mutant = mutant, Timeout = TimeSpan.FromSeconds(20),
        });

    private static List<(EventKind, short, long, long, long)> Signature(RunResult r)
        => r.Trace!.Select(e => e.Kind is EventKind.GobufLoad or EventKind.GobufSave or EventKind.GoCreate
            ? (e.Kind, e.P, e.G, e.Kind == EventKind.GoCreate ? e.A : 0L, 0L)
            : (e.Kind, e.P, e.G, e.A, e.B)).ToList();

    public static TheoryData<string> Mutants()
    {
        var data = new TheoryData<string>();
        foreach (var m in Enum.GetValues<Mutant>())
            if (m != Mutant.None && !Crashes(m)) data.Add(m.ToString());
        return data;
    }

    /// <summary>Mutants that kill the process by design: they cannot run in the test host. Conformance.Tests'
    /// WorkerPoolTests run them in a worker process and see the crash as a RuntimeCrash verdict.</summary>
    private static bool Crashes(Mutant m) => m == Mutant.GoschedPcTruncated;

    [Fact]
    public void A_release_runtime_has_no_mutant_field_and_a_diagnostic_one_has()
    {
        // The Release runtime's mutant sites compare two constants (Mutant.None), which the compiler folds away, and
        // the statement-level ones are compiled out; so the scheduler has no field a mutant branch could read.
        var field = typeof(RuntimeOptions).Assembly.GetType("Implementation.Sched")!
            .GetField("_mutant", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Static);
        var configuration = typeof(RuntimeOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        if (configuration == "Release")
        {
            Assert.False(RuntimeOptions.DiagnosticBuild);
            Assert.True(field is null || field.IsLiteral, "a Release runtime must not carry a mutant field");
            Assert.Throws<InvalidOperationException>(() => new RuntimeOptions { Mutant = Mutant.GoschedLocal });
        }
        else
        {
            Assert.True(RuntimeOptions.DiagnosticBuild);
            Assert.NotNull(field);
            Assert.False(field!.IsLiteral);
        }
    }

    [Fact]
    public void There_are_at_least_twelve_mutants_and_the_correct_runtime_is_reproducible()
    {
        Assert.True(Enum.GetValues<Mutant>().Length - 1 >= 12);
        var a = RunWith(Mutant.None);
        var b = RunWith(Mutant.None);
        Assert.True(a.Outcome == RunOutcome.Completed, a.Message);
        Assert.Equal(Signature(a), Signature(b));
        foreach (var procs in new[] { 1, 2 })
        {
            var c = Run(ChanWorkload, new RuntimeOptions { Procs = procs, Trace = true, Controlled = true, Seed = 3 });
            var d = Run(ChanWorkload, new RuntimeOptions { Procs = procs, Trace = true, Controlled = true, Seed = 3 });
            Assert.True(c.Outcome == RunOutcome.Completed, c.Message);
            Assert.Equal(Signature(c), Signature(d));
        }
    }

    /// <summary>
    /// For the mutants of state at rest (issue 10): each is visible in the state the probe writes down at every switch
    /// back from an mcall (<see cref="StateProbe"/>), on a workload where every one of them has something to change and
    /// none can crash the test host (no g yields more than twice from one frame, so a drifting sp never reaches a live
    /// word): main's systemstacks (go x, acquire s) come before an mcall (its park); x exits from inside a call frame,
    /// so its dead g keeps a nonzero sched.bp for y, which reuses it; y resumes from a yield (bp and the seeded ret to
    /// keep) and yields again; main is dead (its g.m to keep) while y still yields.
    /// </summary>
    private const string StateWorkload = """
        main {
          go x
          acquire s
          go y
          yield
        }
        x { call 64 { release s; exit } }
        y { yield; yield }
        """;

    /// <summary>The mutants whose change is in the state at rest, often not in the trace.</summary>
    private static readonly HashSet<Mutant> StateMutants =
    [
        Mutant.GogoKeepsSp, Mutant.GogoKeepsRet, Mutant.GogoKeepsCtxt, Mutant.GogoKeepsBp, Mutant.SystemstackKeepsSp,
        Mutant.McallSpLow, Mutant.McallSpHigh, Mutant.GoExit0KeepsM, Mutant.NewProc1KeepsSched,
    ];

    private static (RunResult Result, List<string> States) StatesWith(Mutant mutant, int procs, string workload = StateWorkload)
        => StateProbe.Run(workload, new RuntimeOptions
        {
            Procs = procs, Trace = true, Controlled = true, Seed = 3, Mutant = mutant, Timeout = TimeSpan.FromSeconds(20),
        });

    /// <summary>
    /// For the stack mutants (issue 13): d's second call grows its stack from inside the first (2 to 4 KiB), so the
    /// chain's link in f1 (the body's rbp) must be adjusted, and d's body yields after f1 returned (its saved bp
    /// shows the link) and exits without returning through it; e reuses d's dead g (on one P) and grows twice (2 to
    /// 4 KiB, then 4 to 8), which it does only with a starting-size stack; every growth resumes in the prologue
    /// that called morestack (the pc the state probe sees in the next save's shadow). None of the four can crash the
    /// test host on it.
    /// </summary>
    private const string StackWorkload = """
        main {
          go d
          acquire s
          go e
          yield
        }
        d {
          call 64 { call 3000 { yield }; yield }
          yield
          release s
          exit
        }
        e { call 1500 { call 3000 { yield } } }
        """;

    /// <summary>The mutants that only stack growth (and gfput of a grown stack) reaches.</summary>
    private static readonly HashSet<Mutant> StackMutants =
    [
        Mutant.CopyStackSkipsFramePointers, Mutant.GrowByFixed2K, Mutant.MorestackPcPastPrologue, Mutant.GfPutKeepsGrownStack,
    ];

    [DiagnosticBuildFact]
    public void The_correct_runtimes_state_at_rest_is_reproducible_and_keeps_B2()
    {
        foreach (var procs in new[] { 1, 2 })
        {
            var (a, sa) = StatesWith(Mutant.None, procs);
            var (_, sb) = StatesWith(Mutant.None, procs);
            Assert.True(a.Outcome == RunOutcome.Completed, a.Message);
            Assert.True(sa.Count > 10, $"{sa.Count} state lines");
            Assert.Equal(sa, sb);
            // Every g ran with sp = ctxt = ret = lr = bp = 0: the seeded ret never survived a gogo.
            var ran = sa.Where(l => l.Contains("ran with", StringComparison.Ordinal)).ToList();
            Assert.True(ran.Count >= 7, $"{ran.Count} switches back");
            Assert.All(ran, l => Assert.Contains("ran with {sp=0 ", l, StringComparison.Ordinal));
            Assert.All(ran, l => Assert.Contains(" ctxt=0 ret=0 lr=0 bp=0}, saved", l, StringComparison.Ordinal));
            // A dead g has no m, and a new g's ctxt is its body's funcval until its first gogo.
            Assert.DoesNotContain(sa, l => l.Contains(" Dead m=set", StringComparison.Ordinal));
            Assert.Contains(sa, l => l.Contains(" Runnable m=nil {sp=hi-40 pc=entry", StringComparison.Ordinal) && l.Contains(" ctxt=fv", StringComparison.Ordinal));
        }
    }

    [DiagnosticBuildTheory]
    [MemberData(nameof(Mutants))]
    public void Each_mutant_changes_what_the_runtime_does(string name)
    {
        var mutant = Enum.Parse<Mutant>(name);
        if (StackMutants.Contains(mutant))
        {
            // The trace (StackGrow's sizes among it) and the state at rest (pcs, sps and bps against each g's stack).
            var changed = false;
            foreach (var procs in new[] { 1, 2 })
            {
                var (good, goodStates) = StatesWith(Mutant.None, procs, StackWorkload);
                var (bad, badStates) = StatesWith(mutant, procs, StackWorkload);
                Assert.True(good.Outcome == RunOutcome.Completed, good.Message);
                Assert.Contains(good.Trace!, e => e.Kind == EventKind.StackGrow);
                changed |= bad.Outcome != good.Outcome || !badStates.SequenceEqual(goodStates) || !Signature(bad).SequenceEqual(Signature(good));
            }
            Assert.True(changed, $"{mutant}: same outcome, trace and state at rest as the correct runtime on 1 and 2 Ps");
            return;
        }
        if (StateMutants.Contains(mutant))
        {
            var changed = false;
            foreach (var procs in new[] { 1, 2 })
            {
                var (good, goodStates) = StatesWith(Mutant.None, procs);
                var (bad, badStates) = StatesWith(mutant, procs);
                changed |= bad.Outcome != good.Outcome || !badStates.SequenceEqual(goodStates);
            }
            Assert.True(changed, $"{mutant}: same outcome and state at rest as the correct runtime on 1 and 2 Ps");
            return;
        }

        if (mutant == Mutant.TwoPollers)
        {
            // Under faketime nobody blocks in the poller, so only a free-running run can show two Ms there: the
            // runtime's own check of N2 (at most one M in netpoll) ends it.
            var seen = false;
            for (var attempt = 0; attempt < 5 && !seen; attempt++)
            {
                var bad = Run("main {\n repeat 4 { go n }\n repeat 4 { acquire d }\n}\nn { repeat 20 { io 300 }; release d }",
                    new RuntimeOptions { Procs = 4, Mutant = mutant, Timeout = TimeSpan.FromSeconds(20) });
                seen = bad.Outcome == RunOutcome.Fatal && bad.Message.Contains("two Ms block in the poller", StringComparison.Ordinal);
            }
            Assert.True(seen, "TwoPollers: no free-running run put two Ms in the poller");
            return;
        }

        if (mutant == Mutant.MorebufSpHigh)
        {
            // m.morebuf.sp is f's caller's sp: 8 bytes above the sp morestack saves in g.sched (f's return address
            // between them). Raw addresses differ from run to run; the distance does not.
            static HashSet<long> Distances(Mutant m)
            {
                var trace = Run(StackWorkload, new RuntimeOptions { Procs = 1, Trace = true, Controlled = true, Seed = 1, Mutant = m }).Trace!.ToList();
                return [.. trace.Select((e, i) => (e, i)).Where(x => x.e.Kind == EventKind.Morebuf)
                    .Select(x => x.e.A - trace.Take(x.i).Last(s => s.Kind == EventKind.GobufSave && s.G == x.e.G).A)];
            }
            Assert.Equal([8L], Distances(Mutant.None));
            Assert.Equal([16L], Distances(mutant));
            return;
        }

        if (mutant is Mutant.PreemptToLocalQueue or Mutant.ExecuteKeepsPreempt or Mutant.NewStackKeepsCtxt)
        {
            // Only a preempted g shows these: controlled runs of call chains, where sysmon's request is a recorded
            // choice. A stale ctxt shows in the state at rest only (snapshots), the other two in the trace.
            const string chains = "main { go c; go c; repeat 2 { acquire d } }\nc { repeat 8 { call 64 { work 5 }; go l }; release d }\nl { yield }";
            var changed = false;
            for (ulong seed = 1; seed <= 10 && !changed; seed++)
            {
                var options = new RuntimeOptions { Procs = 2, Trace = true, Controlled = true, Seed = seed, Timeout = TimeSpan.FromSeconds(20) };
                if (mutant == Mutant.NewStackKeepsCtxt)
                    changed = !StateProbe.Run(chains, options with { Mutant = mutant }).States
                        .SequenceEqual(StateProbe.Run(chains, options).States);
                else
                    changed = !Signature(Run(chains, options with { Mutant = mutant })).SequenceEqual(Signature(Run(chains, options)));
            }
            Assert.True(changed, $"{mutant}: same trace and states as the correct runtime in 10 controlled runs of call chains");
            return;
        }

        if (mutant == Mutant.HandoffPSkipsLastPoller)
        {
            // The clause needs a syscall that loses its P while every other P is idle and nothing is runnable: a caller
            // woken from a doze by checkdead's timejump (everyone else idle), on 2 Ps, under a few schedules.
            const string lone = "main {\n repeat 2 { go napper }\n go caller\n repeat 3 { acquire done }\n}\n"
                + "napper { sleep 400; release done }\ncaller { repeat 4 { sleep 10; syscall 20 }; release done }";
            var changed = false;
            for (ulong seed = 1; seed <= 8 && !changed; seed++)
            {
                var options = new RuntimeOptions { Procs = 2, Trace = true, Controlled = true, Seed = seed, Timeout = TimeSpan.FromSeconds(20) };
                var good = Run(lone, options);
                var bad = Run(lone, options with { Mutant = mutant });
                changed = bad.Outcome != good.Outcome || !Signature(bad).SequenceEqual(Signature(good));
            }
            Assert.True(changed, $"{mutant}: same outcome and trace as the correct runtime under 8 schedules on 2 Ps");
            return;
        }

        // One P (where spilling is certain) and two (where stealing is).
        var differs = false;
        foreach (var procs in new[] { 1, 2 })
        {
            var good = ChanMutants.Contains(mutant)
                ? Run(ChanWorkload, new RuntimeOptions { Procs = procs, Trace = true, Controlled = true, Seed = 3, Timeout = TimeSpan.FromSeconds(20) })
                : RunWith(Mutant.None, procs);
            var bad = RunWith(mutant, procs);
            differs |= bad.Outcome != good.Outcome || !Signature(bad).SequenceEqual(Signature(good));
        }
        Assert.True(differs, $"{mutant}: same outcome and trace as the correct runtime on 1 and 2 Ps");
    }
}
