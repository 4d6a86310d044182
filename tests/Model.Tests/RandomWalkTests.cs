using FsCheck;
using FsCheck.Fluent;
using Model.Checking;
using Model.Workload;

namespace Model.Tests;

/// <summary>Generated workloads, random runs: every invariant holds in every state, every run ends, the encoding
/// round-trips and Step never changes its input.</summary>
public class RandomWalkTests
{
    private static readonly string[] Names = ["main", "a", "b"];

    private static Gen<Op> OpGen(int depth, int bodies, bool go)
    {
        var ops = new List<Gen<Op>>
        {
            Gen.Constant((Op)new YieldOp()),
            Gen.Elements("s", "t").Select(s => (Op)new AcquireOp(s)),
            Gen.Elements("s", "t").Select(s => (Op)new ReleaseOp(s)),
            Gen.Constant((Op)new SyscallOp(5)),
            Gen.Constant((Op)new WorkOp(10)),
        };
        if (go) ops.Add(Gen.Choose(1, bodies - 1).Select(i => (Op)new GoOp(Names[i])));
        if (depth > 0)
        {
            var block = Gen.Choose(0, 3).SelectMany(n => OpGen(depth - 1, bodies, go).ArrayOf(n)).Select(o => new Block(o));
            ops.Add(Gen.Elements(64, 1500, 5000).SelectMany(n => block.Select(b => (Op)new CallOp(n, b))));
            ops.Add(Gen.Choose(0, 3).SelectMany(n => block.Select(b => (Op)new RepeatOp(n, b))));
            ops.Add(Gen.Constant((Op)new ExitOp()));
        }
        return Gen.OneOf(ops.ToArray());
    }

    private static Gen<Model.Workload.Workload> WorkloadGen() =>
        from n in Gen.Choose(2, 3)
        from main in Gen.Choose(1, 5).SelectMany(k => OpGen(1, n, go: true).ArrayOf(k))
        from others in Gen.Choose(1, 5).SelectMany(k => OpGen(1, n, go: false).ArrayOf(k)).ArrayOf(n - 1)
        // Only main starts others, so every run ends (no unbounded chains of go).
        select new Model.Workload.Workload(others.Prepend(main).Select((b, i) => new Body(Names[i], new Block(b))));

    private sealed record Case(Model.Workload.Workload Workload, int Procs, bool Sysmon, int Seed)
    {
        public override string ToString() => $"procs={Procs} sysmon={Sysmon} seed={Seed}\n{WorkloadPrinter.Print(Workload)}";
    }

    [Fact]
    public void Random_runs_of_generated_workloads_keep_every_invariant()
    {
        var cases = from w in WorkloadGen()
                    from procs in Gen.Choose(1, 3)
                    from sysmon in Gen.Elements(false, true)
                    from seed in Gen.Choose(0, int.MaxValue)
                    select new Case(w, procs, sysmon, seed);
        Prop.ForAll(Arb.From(cases), c =>
        {
            var model = new SchedModel(c.Workload, new SchedConfig { Procs = c.Procs, Sysmon = c.Sysmon });
            IModel<SchedState, SchedAction> im = model;
            var rng = new Random(c.Seed);
            var s = model.Initial();
            for (var step = 0; step < 5_000; step++)
            {
                var failing = SchedInvariants.Failing(s, model.Config);
                Assert.True(failing == 0, $"step {step}: {string.Join(", ", model.Invariants.Where((_, i) => (failing & (1ul << i)) != 0).Select(p => p.Name))}\n{s}");
                var buffer = new byte[16];
                var len = im.Encode(s, ref buffer);
                var back = im.NewScratch();
                im.Decode(buffer.AsSpan(0, len), back);
                Assert.Equal(s.ToBytes(), back.ToBytes());
                var actions = model.Actions(s);
                if (actions.Count == 0)
                {
                    Assert.True(s.Outcome == Outcome.Completed || s.Fatal == Throw.Deadlock, $"ended {s.Outcome} {s.Fatal.Message()}");
                    Assert.All(s.AllGs, g => Assert.True(g.Status is GStatus.Dead or GStatus.Waiting));
                    return true;
                }
                var before = s.ToBytes();
                var (next, events) = model.Step(s, actions[rng.Next(actions.Count)]);
                Assert.Equal(before, s.ToBytes());
                Assert.NotEmpty(events);
                s = next;
            }
            return false;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Exhaustive_searches_of_generated_workloads_find_no_violation_and_no_endless_run()
    {
        var cases = from w in WorkloadGen()
                    from sysmon in Gen.Elements(false, true)
                    select (w, sysmon);
        Prop.ForAll(Arb.From(cases), c =>
        {
            var model = new SchedModel(c.w, new SchedConfig { Procs = 2, Sysmon = c.sysmon });
            var r = new BfsChecker<SchedState, SchedAction>(model, new CheckerOptions { MaxStates = 20_000, StopAtFirstViolation = false }).Run();
            var bad = r.Violations.Where(v => !v.IsDeadlock).Select(v => $"{v.Property}:\n{v.Path.Format(s => s.Lines())}").ToList();
            Assert.True(bad.Count == 0, string.Join("\n", bad));
            if (r.Exhausted)
            {
                var cycles = new CycleChecker<SchedState, SchedAction>(model, 20_000).Run();
                Assert.True(cycles.Found is null, $"endless run: {cycles.Found?.Stem} then {string.Join(", ", cycles.Found?.Cycle ?? [])}");
            }
            return true;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40));
    }
}
