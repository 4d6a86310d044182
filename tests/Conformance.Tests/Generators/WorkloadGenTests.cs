using Conformance.Generators;
using FsCheck;
using FsCheck.Fluent;
using Model.Workload;

namespace Conformance.Tests.Generators;

public class WorkloadGenTests
{
    public static TheoryData<WorkloadShape> AllShapes()
    {
        var data = new TheoryData<WorkloadShape>();
        foreach (var s in WorkloadGen.AllShapes) data.Add(s);
        return data;
    }

    private static IReadOnlyList<Workload> Sample(Gen<Workload> gen, int count, ulong seed = 42) =>
        WorkloadGen.Sample(gen, 30, seed, count);

    /// <summary>Ops, bodies and the sum of every number: each shrink step must lower it.</summary>
    private static (int Nodes, long Numbers) Measure(Workload w)
    {
        int nodes = 0;
        long numbers = 0;
        void Walk(Block b)
        {
            foreach (var op in b)
            {
                nodes++;
                switch (op)
                {
                    case CallOp c: numbers += c.FrameBytes; break;
                    case RepeatOp r: numbers += r.Count; break;
                    case WorkOp x: numbers += x.Iterations; break;
                    case SyscallOp s: numbers += s.Micros; break;
                    case SleepOp sl: numbers += sl.Micros; break;
                    case IoOp io: numbers += io.Micros; break;
                }
                if (op.Nested is { } inner) Walk(inner);
            }
        }
        foreach (var body in w.Bodies) { nodes++; Walk(body.Ops); }
        foreach (var c in w.Channels) { nodes++; numbers += c.Capacity; }
        return (nodes, numbers);
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Every_shape_generates_only_well_formed_bounded_workloads(WorkloadShape shape)
    {
        foreach (var w in Sample(WorkloadGen.Of(shape), 60))
        {
            var problems = WorkloadValidator.Problems(w);
            Assert.True(problems.Count == 0, $"{shape}: {string.Join("; ", problems)}\n{w}");
            var spawned = WorkloadGen.MaxSpawned(w);
            Assert.True(spawned <= WorkloadGen.MaxGoroutines, $"{shape}: {spawned} goroutines\n{w}");
            // The stack shapes grow stacks on purpose, within a bound of their own.
            var bound = WorkloadGen.StackShapes.Contains(shape) ? WorkloadGen.MaxStackShapeFrameBytes : WorkloadGen.MaxNestedFrameBytes;
            Assert.True(WorkloadGen.MaxFrameDepthBytes(w) <= bound, $"{shape}: frames too deep\n{w}");
        }
    }

    /// <summary>Program points are found by reference: an op object used twice would give two places one point.</summary>
    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Every_op_of_a_generated_or_shrunk_workload_is_its_own_object(WorkloadShape shape)
    {
        foreach (var w in Sample(WorkloadGen.Of(shape), 30, seed: 5))
        {
            AssertNoSharedOps(w);
            foreach (var c in WorkloadShrinker.Shrink(w).Take(20)) AssertNoSharedOps(c);
        }

        static void AssertNoSharedOps(Workload w)
        {
            var seen = new HashSet<Op>(ReferenceEqualityComparer.Instance);
            void Walk(Block b)
            {
                foreach (var op in b)
                {
                    Assert.True(seen.Add(op), $"op '{WorkloadPrinter.Head(op)}' appears twice as one object\n{w}");
                    if (op.Nested is { } inner) Walk(inner);
                }
            }
            foreach (var b in w.Bodies) Walk(b.Ops);
            // And so every op has its own program point.
            var points = new ProgramPoints(w);
            foreach (var (b, i) in w.Bodies.Select((b, i) => (b, i)))
                Assert.Equal(Enumerable.Range(0, points.Count(i)), Enumerable.Range(0, points.Count(i)).Select(k => points.OpAt(new ProgramPoint(i, k)).Point.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public void Printing_and_parsing_gives_the_same_tree(WorkloadShape shape)
    {
        foreach (var w in Sample(WorkloadGen.Of(shape), 40, seed: 7))
        {
            var text = WorkloadPrinter.Print(w);
            var back = WorkloadParser.Parse(text);
            Assert.True(w.Equals(back), $"{shape}: round trip changed the tree\n{text}\n---\n{back}");
        }
    }

    [Fact]
    public void The_shapes_really_have_their_features()
    {
        Assert.All(Sample(WorkloadGen.RingOverflow, 20), w => Assert.True(WorkloadGen.MaxSpawned(w) > 257, w.ToString()));
        Assert.All(Sample(WorkloadGen.NestedExit, 20), w => Assert.True(WorkloadGen.MaxFrameDepthBytes(w) >= 0 && Has<CallOp>(w), w.ToString()));
        Assert.Contains(Sample(WorkloadGen.NestedExit, 20), Has<ExitOp>);
        Assert.All(Sample(WorkloadGen.Deadlock, 20), w => Assert.True(Has<AcquireOp>(w), w.ToString()));
        Assert.All(Sample(WorkloadGen.SyscallLosesP, 20), w => Assert.True(Has<SyscallOp>(w), w.ToString()));
        Assert.All(Sample(WorkloadGen.SemaphoreHandoff, 20), w => Assert.True(Has<ReleaseOp>(w) && Has<AcquireOp>(w), w.ToString()));
        Assert.All(Sample(WorkloadGen.SpawnChain, 20), w => Assert.True(w.Bodies.Length >= 3, w.ToString()));
        // Every shape shows up in the mix.
        var tagged = WorkloadGen.Sample(WorkloadGen.Tagged, 30, 3, 400);
        Assert.Equal(400, tagged.Length);
        Assert.Equal(WorkloadGen.AllShapes.Length, tagged.Select(t => t.Shape).Distinct().Count());
    }

    internal static bool Has<T>(Workload w) where T : Op => Ops(w).Any(op => op is T);

    /// <summary>Every op of every body, nested blocks (select cases and their blocks) included.</summary>
    internal static IEnumerable<Op> Ops(Workload w)
    {
        static IEnumerable<Op> In(Block b)
        {
            foreach (var op in b)
            {
                yield return op;
                if (op.Nested is { } inner)
                    foreach (var x in In(inner)) yield return x;
            }
        }
        return w.Bodies.SelectMany(b => In(b.Ops));
    }

    [Fact]
    public void Shrinking_never_produces_an_ill_formed_or_larger_workload()
    {
        foreach (var w in Sample(WorkloadGen.Any, 80, seed: 11))
        {
            var before = Measure(w);
            foreach (var candidate in WorkloadShrinker.Shrink(w).Take(400))
            {
                var problems = WorkloadValidator.Problems(candidate);
                Assert.True(problems.Count == 0, $"{string.Join("; ", problems)}\nfrom\n{w}\nto\n{candidate}");
                var after = Measure(candidate);
                Assert.True(after.Nodes < before.Nodes || (after.Nodes == before.Nodes && after.Numbers < before.Numbers),
                    $"not smaller: {before} -> {after}\n{w}\n---\n{candidate}");
                Assert.True(WorkloadGen.MaxSpawned(candidate) <= WorkloadGen.MaxSpawned(w));
            }
        }
    }

    [Fact]
    public void Dropping_a_body_drops_every_go_that_names_it()
    {
        var w = WorkloadParser.Parse("main {\n go a\n repeat 2 { go a; go b }\n}\na { go b }\nb { yield }\n");
        var withoutA = WorkloadShrinker.Shrink(w).First();
        Assert.Equal("main {\n  repeat 2 {\n    go b\n  }\n}\nb {\n  yield\n}\n", WorkloadPrinter.Print(withoutA));
        Assert.True(WorkloadValidator.IsWellFormed(withoutA));
    }

    [Fact]
    public void Greedy_shrinking_finds_the_smallest_workload_that_still_fails()
    {
        // "Fails" when some body yields inside a call frame: the minimum is a single call around a single yield.
        static bool YieldInCall(Block b, bool inCall) =>
            b.Any(op => (op is YieldOp && inCall) || (op is CallOp c && YieldInCall(c.Body, true)) || (op is RepeatOp r && YieldInCall(r.Body, inCall)));
        var failing = Sample(WorkloadGen.NestedExit, 10).First(w => w.Bodies.Any(b => YieldInCall(b.Ops, false)));
        var result = Shrinking.Minimize(failing, w => w.Bodies.Any(b => YieldInCall(b.Ops, false)));
        Assert.Equal("main {\n  call 0 {\n    yield\n  }\n}\n", WorkloadPrinter.Print(result.Value));
        Assert.True(result.Steps > 0);
    }

    [Fact]
    public void The_arbitrary_holds_up_under_FsCheck()
    {
        var prop = Prop.ForAll(WorkloadGen.Arbitrary, w => WorkloadValidator.IsWellFormed(w) && WorkloadGen.MaxSpawned(w) <= WorkloadGen.MaxGoroutines);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), prop);
    }

    [Fact]
    public void Max_spawned_sees_cycles_as_unbounded()
    {
        var w = WorkloadParser.Parse("main { go a }\na { go b }\nb { go a }\n");
        Assert.Equal(int.MaxValue, WorkloadGen.MaxSpawned(w));
        Assert.Equal(1 + 10 * 3, WorkloadGen.MaxSpawned(WorkloadParser.Parse("main { repeat 10 { go a } }\na { go b; go b }\nb { }\n")));
    }
}
