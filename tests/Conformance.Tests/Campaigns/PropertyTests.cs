using Conformance.Campaigns;
using Conformance.Generators;
using FsCheck;
using FsCheck.Fluent;
using Model.Workload;

namespace Conformance.Tests.Campaigns;

/// <summary>
/// The campaign's properties as FsCheck properties over the real runtime: on GOMAXPROCS 1, 2 and 4 the trace refines
/// the model, every named invariant holds and the outcome agrees (a CheckResult conforms only if all three do).
/// System calls are turned into computation here, for the reason in <see cref="CorpusTests"/>.
/// </summary>
[Collection("native runtime")]
public class PropertyTests
{
    private static Block WithoutSyscalls(Block b) => new(b.Ops.Select(op => op switch
    {
        SyscallOp s => new WorkOp(s.Micros),
        _ when op.Nested is { } inner => op.WithNested(WithoutSyscalls(inner)),
        _ => op with { },
    }));

    private static Workload NoSyscalls(Workload w) => new(w.Bodies.Select(b => b with { Ops = WithoutSyscalls(b.Ops) }), w.Channels);

    [Fact]
    public void Generated_workloads_conform_on_1_2_and_4_Ps()
    {
        var runs = Arb.From(
            from w in WorkloadGen.Any.Select(NoSyscalls)
            from procs in Gen.Elements(1, 2, 4)
            from seed in Gen.Choose(1, 1_000_000)
            select (Workload: w, Procs: procs, Seed: (ulong)seed),
            t => WorkloadShrinker.Shrink(t.Workload).Select(NoSyscalls).Select(w => (w, t.Procs, t.Seed)));
        var property = Prop.ForAll(runs, t =>
        {
            var r = Conformer.Check(RunSpec.Of(t.Workload, t.Procs, t.Seed));
            return r.Conforms.Label($"GOMAXPROCS {t.Procs}, seed {t.Seed}: {r.Verdict}\n{t.Workload}");
        });
        // A fixed FsCheck seed: CI must not depend on luck (the campaigns vary the seed; this test pins one).
        var replay = Microsoft.FSharp.Core.FSharpOption<FsCheck.Replay>.Some(new FsCheck.Replay(new Rnd(20261127UL, 0x9E3779B97F4A7C15UL), Microsoft.FSharp.Core.FSharpOption<int>.None));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(45).WithEndSize(20).WithReplay(replay), property);
    }
}
