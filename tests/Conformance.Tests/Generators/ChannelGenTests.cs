using Conformance.Generators;
using FsCheck;
using Model.Workload;

namespace Conformance.Tests.Generators;

/// <summary>The channel shapes and the shrinker's channel rules.</summary>
public class ChannelGenTests
{
    private static IReadOnlyList<Workload> Sample(Gen<Workload> gen, int count, ulong seed = 42) => WorkloadGen.Sample(gen, 30, seed, count);

    public static TheoryData<WorkloadShape> ChannelShapes()
    {
        var data = new TheoryData<WorkloadShape>();
        foreach (var s in WorkloadGen.ChannelShapes) data.Add(s);
        return data;
    }

    private static IEnumerable<Op> Ops(Workload w) => WorkloadGenTests.Ops(w);

    private static IEnumerable<string> Named(Workload w) => Ops(w).Select(op => op switch
    {
        SendOp s => s.Chan,
        RecvOp r => r.Chan,
        CloseOp c => c.Chan,
        SelectCaseOp c => c.Chan,
        _ => null,
    }).OfType<string>();

    [Theory]
    [MemberData(nameof(ChannelShapes))]
    public void A_channel_shape_declares_exactly_the_channels_its_ops_name_and_uses_channels(WorkloadShape shape)
    {
        foreach (var w in Sample(WorkloadGen.Of(shape), 60))
        {
            Assert.True(WorkloadValidator.IsWellFormed(w), $"{shape}: {string.Join("; ", WorkloadValidator.Problems(w))}\n{w}");
            Assert.Equal(Named(w).Distinct().Order(StringComparer.Ordinal), w.Channels.Select(c => c.Name).Order(StringComparer.Ordinal));
            Assert.NotEmpty(w.Channels);
            Assert.True(Ops(w).Any(op => op is SendOp or RecvOp or CloseOp or SelectOp), $"{shape}: no channel op\n{w}");
        }
    }

    [Fact]
    public void The_scheduler_shapes_have_no_channels()
    {
        foreach (var shape in WorkloadGen.SchedulerShapes)
            Assert.All(Sample(WorkloadGen.Of(shape), 20), w => Assert.Empty(w.Channels));
    }

    /// <summary>
    /// A static sufficient condition for "never panics": no close of a nil channel; a closed channel is closed by one
    /// close op, outside any loop, in a body that runs once (main, or a body started by a single go outside loops),
    /// and every send on it (plain or a select's case) comes before that close in the same body.
    /// </summary>
    private static string? MayPanic(Workload w)
    {
        var closes = Ops(w).OfType<CloseOp>().GroupBy(c => c.Chan).ToList();
        foreach (var g in closes)
        {
            var decl = w.Channels[w.ChannelIndex(g.Key)];
            if (decl.IsNil) return $"close of nil channel {g.Key}";
            if (g.Count() > 1) return $"{g.Key} is closed twice";
            var body = w.Bodies.Single(b => Contains(b.Ops, op => op is CloseOp c && c.Chan == g.Key));
            if (body.Name != Workload.MainBody)
            {
                var starts = Ops(w).OfType<GoOp>().Count(x => x.Body == body.Name);
                if (starts != 1 || w.Bodies.Any(b => InLoop(b.Ops, op => op is GoOp x && x.Body == body.Name, false)))
                    return $"{body.Name}, which closes {g.Key}, may run more than once";
            }
            if (InLoop(body.Ops, op => op is CloseOp c && c.Chan == g.Key, false)) return $"{g.Key} is closed in a loop";
            bool SendsOn(Op op) => op is SendOp s && s.Chan == g.Key || op is SelectCaseOp { Kind: SelectCaseKind.Send } sc && sc.Chan == g.Key;
            foreach (var other in w.Bodies.Where(b => b != body))
                if (Contains(other.Ops, SendsOn)) return $"{other.Name} sends on {g.Key}, which {body.Name} closes";
            var closeAt = body.Ops.Ops.IndexOf(body.Ops.First(op => Contains(new Block([op]), x => x is CloseOp c && c.Chan == g.Key)));
            if (body.Ops.Skip(closeAt).Any(op => Contains(new Block([op]), SendsOn))) return $"a send on {g.Key} after its close";
        }
        return null;

        static bool Contains(Block b, Func<Op, bool> p) => b.Any(op => p(op) || (op.Nested is { } inner && Contains(inner, p)));
        static bool InLoop(Block b, Func<Op, bool> p, bool inLoop) =>
            b.Any(op => (inLoop && p(op)) || (op.Nested is { } inner && InLoop(inner, p, inLoop || op is RepeatOp)));
    }

    [Theory]
    [MemberData(nameof(ChannelShapes))]
    public void Only_the_panic_shape_may_panic(WorkloadShape shape)
    {
        var samples = Sample(WorkloadGen.Of(shape), 60, seed: 3);
        if (shape == WorkloadShape.ChanPanic)
            Assert.All(samples, w => Assert.NotNull(MayPanic(w)));
        else
            Assert.All(samples, w => Assert.True(MayPanic(w) is null, $"{shape}: {MayPanic(w)}\n{w}"));
    }

    [Fact]
    public void The_channel_shapes_have_their_features()
    {
        Assert.All(Sample(WorkloadGen.ChanPingPong, 20), w => Assert.All(w.Channels, c => Assert.Equal(0, c.Capacity)));
        Assert.All(Sample(WorkloadGen.ChanProducerConsumer, 20), w => Assert.True(w.Channels.Single().Capacity > 0, w.ToString()));
        Assert.All(Sample(WorkloadGen.ChanCloseDrain, 20), w => Assert.Single(Ops(w).OfType<CloseOp>()));
        var selects = Sample(WorkloadGen.ChanSelect, 60);
        Assert.Contains(selects, w => Ops(w).OfType<SelectOp>().Any(s => s.DefaultIndex >= 0));
        Assert.Contains(selects, w => Ops(w).OfType<SelectOp>().Any(s => s.DefaultIndex < 0 && s.ChannelCases >= 2));
        Assert.Contains(selects, w => w.Channels.Any(c => c.IsNil));
        // A race: a select with two channel cases and no default.
        Assert.All(Sample(WorkloadGen.ChanSelectRace, 30), w =>
            Assert.Contains(Ops(w).OfType<SelectOp>(), s => s.ChannelCases == 2 && s.DefaultIndex < 0));
        // A deadlock: some goroutine waits on a channel nobody serves.
        Assert.All(Sample(WorkloadGen.ChanDeadlock, 30), w => Assert.True(Ops(w).Any(op => op is RecvOp or SendOp or SelectOp), w.ToString()));
        var panics = Sample(WorkloadGen.ChanPanic, 60);
        Assert.Contains(panics, w => w.Channels.Any(c => c.IsNil));
        Assert.Contains(panics, w => Ops(w).OfType<CloseOp>().Count() == 2);
    }

    [Fact]
    public void The_mix_draws_channel_workloads_about_three_times_in_ten_and_panics_rarely()
    {
        var tagged = WorkloadGen.Sample(WorkloadGen.Tagged, 30, 9, 1000);
        var channels = tagged.Count(t => WorkloadGen.ChannelShapes.Contains(t.Shape));
        Assert.InRange(channels, 200, 400);
        Assert.InRange(tagged.Count(t => t.Shape == WorkloadShape.ChanPanic), 1, 50);
        Assert.All(tagged.Where(t => WorkloadGen.ChannelShapes.Contains(t.Shape)), t => Assert.NotEmpty(t.Workload.Channels));
        Assert.Equal(77, WorkloadGen.AllShapes.Sum(WorkloadGen.Weight)); // 63 before the two io shapes, 67 before the four stack shapes, 75 before the preemption shape (2 each)
    }

    [Fact]
    public void Generation_is_deterministic_per_seed()
    {
        string Print(ulong seed) => string.Join("\n---\n", WorkloadGen.Sample(WorkloadGen.Tagged, 20, seed, 60).Select(t => $"{t.Shape}\n{t.Workload}"));
        Assert.Equal(Print(17), Print(17));
        Assert.NotEqual(Print(17), Print(18));
        foreach (var shape in WorkloadGen.ChannelShapes)
            Assert.Equal(Sample(WorkloadGen.Of(shape), 10, 5), Sample(WorkloadGen.Of(shape), 10, 5));
    }

    [Fact]
    public void Every_shrink_of_a_channel_workload_is_well_formed_smaller_and_declares_what_it_uses()
    {
        foreach (var shape in WorkloadGen.ChannelShapes)
        {
            foreach (var w in Sample(WorkloadGen.Of(shape), 8, seed: 21))
            {
                foreach (var c in WorkloadShrinker.Shrink(w).Take(300))
                {
                    var problems = WorkloadValidator.Problems(c);
                    Assert.True(problems.Count == 0, $"{string.Join("; ", problems)}\nfrom\n{w}\nto\n{c}");
                    Assert.Equal(Named(c).Distinct().Order(StringComparer.Ordinal), c.Channels.Select(d => d.Name).Order(StringComparer.Ordinal));
                    Assert.All(Ops(c).OfType<SelectOp>(), s => Assert.True(s.CaseOps.Count(x => x.Kind == SelectCaseKind.Default) <= 1));
                    Assert.True(WorkloadGen.MaxSpawned(c) <= WorkloadGen.MaxSpawned(w));
                }
            }
        }
    }

    [Fact]
    public void Shrinking_drops_select_cases_shrinks_case_blocks_and_capacities_and_unused_declarations()
    {
        var w = WorkloadParser.Parse("chan a 3\nchan b 0\nchan c 2\nmain {\n  send c\n  select {\n    recv a { yield; work 4 }\n    recv b\n    default { yield }\n  }\n}\n");
        var shrinks = WorkloadShrinker.Shrink(w).Select(x => WorkloadPrinter.Print(x)).ToList();
        // Dropping `send c` drops c's declaration.
        Assert.Contains("chan a 3\nchan b 0\nmain {\n  select {\n    recv a {\n      yield\n      work 4\n    }\n    recv b { }\n    default {\n      yield\n    }\n  }\n}\n", shrinks);
        // Dropping the case on b drops b; dropping the default leaves no default.
        Assert.Contains(shrinks, s => !s.Contains("chan b") && s.Contains("recv a") && s.Contains("default"));
        Assert.Contains(shrinks, s => s.Contains("recv b") && !s.Contains("default"));
        // A case's block shrinks, and is unwrapped in the select's place.
        Assert.Contains(shrinks, s => s.Contains("recv a {\n      work 4\n    }"));
        Assert.Contains("chan c 2\nmain {\n  send c\n  yield\n  work 4\n}\n", shrinks);
        // Capacities go down: 0, half, one less.
        Assert.Contains(shrinks, s => s.StartsWith("chan a 0\n", StringComparison.Ordinal));
        Assert.Contains(shrinks, s => s.StartsWith("chan a 1\n", StringComparison.Ordinal));
        Assert.Contains(shrinks, s => s.StartsWith("chan a 2\n", StringComparison.Ordinal));
        Assert.Contains(shrinks, s => s.Contains("chan c 1\n"));
    }

    [Fact]
    public void Greedy_shrinking_of_a_channel_failure_ends_at_the_op_that_matters()
    {
        // "Fails" when a select has a default and a receive case on a buffered channel.
        static bool Fails(Workload w) => Ops(w).OfType<SelectOp>().Any(s => s.DefaultIndex >= 0 &&
            s.CaseOps.Any(c => c.Kind == SelectCaseKind.Recv && w.Channels[w.ChannelIndex(c.Chan!)].Capacity > 0));
        var failing = Sample(WorkloadGen.ChanSelect, 200, seed: 8).First(Fails);
        var result = Shrinking.Minimize(failing, Fails);
        Assert.Equal("chan c 1\nmain {\n  select {\n    recv c { }\n    default { }\n  }\n}\n", WorkloadPrinter.Print(result.Value));
    }

    [Fact]
    public void Dropping_a_body_drops_its_go_inside_select_cases_too()
    {
        var w = WorkloadParser.Parse("chan c 1\nmain {\n  select {\n    recv c { go a }\n    default { go a; yield }\n  }\n}\na { send c }\n");
        var first = WorkloadShrinker.Shrink(w).First();
        Assert.Equal("chan c 1\nmain {\n  select {\n    recv c { }\n    default {\n      yield\n    }\n  }\n}\n", WorkloadPrinter.Print(first));
    }
}

/// <summary>The default campaign's check part draws its workloads from the same mix.</summary>
public class DefaultCampaignChannelTests
{
    [Fact]
    public void The_default_campaigns_runs_put_channel_workloads_on_one_two_and_four_Ps()
    {
        var o = new Conformance.Campaigns.CampaignOptions { Count = 100_000, Procs = [1, 2, 4], Seed = 12345 };
        var byProcs = Enumerable.Range(0, 150)
            .Select(i => (Procs: o.Procs[i % o.Procs.Count], Conformance.Campaigns.Campaign.WorkloadOf(o, i).Workload))
            .Where(x => x.Workload.Channels.Length > 0)
            .GroupBy(x => x.Procs).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([1, 2, 4], byProcs.Keys.Order());
        Assert.All(byProcs.Values, n => Assert.InRange(n, 5, 30));
    }
}
