using Conformance.Campaigns;
using Conformance.Generators;
using Conformance.Refinement;
using Implementation.Trace;
using Model;
using Model.Contract;
using Model.Workload;

namespace Conformance.Tests.Generators;

/// <summary>
/// The stack shapes (issue 13): they make well-formed workloads that really grow stacks, on the native runtime, by
/// the sizes the frame ABI gives (worked out here from the frames alone, independently of the model), and the model
/// agrees with every run. Sizes 1 and 12 are the mutation run's smallest and largest.
/// </summary>
[Collection("native runtime")]
public class StackGenTests
{
    public static TheoryData<WorkloadShape> StackShapes()
    {
        var data = new TheoryData<WorkloadShape>();
        foreach (var s in WorkloadGen.StackShapes) data.Add(s);
        return data;
    }

    private const int Guard = 928;

    /// <summary>The (old, new) sizes of every growth a g of <paramref name="body"/> makes, in order: each call's
    /// prologue, in the order the calls run (a repeat's second round and a second call of the same depth fit, stacks
    /// do not shrink), against the stack as it is then, doubled until the frame fits; nothing runs after an exit.
    /// Offsets below stack.hi as FrameAbi lays frames out: a body's rsp is BodyBp + its frame, a callee's entry sp its
    /// caller's rsp + 8, the callee's rsp its caller's + 16 + its frame.</summary>
    internal static List<(long Old, long New)> ExpectedGrowths(Workload w, string body)
    {
        var growths = new List<(long, long)>();
        long size = 2048;
        bool Walk(Block block, int sp)
        {
            foreach (var op in block)
            {
                switch (op)
                {
                    case CallOp c:
                        var frame = FrameAbi.FrameSize(c.FrameBytes, c.Body);
                        var need = FrameAbi.PrologueNeed(sp + FrameAbi.ReturnAddressBytes, frame);
                        if (need >= size - Guard)
                        {
                            var grown = size * 2;
                            while (need >= grown - Guard) grown *= 2;
                            growths.Add((size, grown));
                            size = grown;
                        }
                        if (Walk(c.Body, sp + FrameAbi.CallOverheadBytes + frame)) return true;
                        break;
                    case RepeatOp r when r.Count > 0:
                        if (Walk(r.Body, sp)) return true;
                        break;
                    case ExitOp:
                        return true;
                }
            }
            return false;
        }
        var ops = w[body].Ops;
        Walk(ops, FrameAbi.BodyBp + FrameAbi.FrameSize(0, ops));
        return growths;
    }

    /// <summary>Each goroutine's growths in the trace, by goid, with the body it runs.</summary>
    private static Dictionary<long, (int Body, List<(long Old, long New)> Growths)> GrowthsByG(TraceEvent[] trace)
    {
        var byG = new Dictionary<long, (int, List<(long, long)>)>();
        foreach (var e in trace)
        {
            if (e.Kind == EventKind.GoCreate) byG[e.A] = ((int)e.B, []);
            else if (e.Kind == EventKind.StackGrow)
            {
                // main has no GoCreate of its own in a trace that starts with it running: its body is 0.
                if (!byG.TryGetValue(e.G, out var of)) byG[e.G] = of = (0, []);
                of.Item2.Add((e.A, e.B));
            }
        }
        return byG;
    }

    [Theory]
    [MemberData(nameof(StackShapes))]
    public void A_stack_shape_makes_well_formed_bounded_workloads_that_are_no_channel_shape(WorkloadShape shape)
    {
        Assert.DoesNotContain(shape, WorkloadGen.ChannelShapes);
        Assert.Contains(shape, WorkloadGen.AllShapes);
        Assert.Equal(2, WorkloadGen.Shapes.Count(s => s == shape));
        foreach (var size in new[] { 1, 12, 30 })
        {
            foreach (var w in WorkloadGen.Sample(WorkloadGen.Of(shape), size, 42, 40))
            {
                Assert.True(WorkloadValidator.IsWellFormed(w), $"{shape}: {string.Join("; ", WorkloadValidator.Problems(w))}\n{w}");
                Assert.InRange(WorkloadGen.MaxSpawned(w), 2, WorkloadGen.MaxGoroutines);
                var bytes = WorkloadGen.MaxFrameDepthBytes(w);
                Assert.True(bytes <= WorkloadGen.MaxStackShapeFrameBytes, $"{shape}: {bytes} bytes of frames\n{w}");
                // Beyond what the other shapes may nest: every one of them must grow a stack somewhere.
                Assert.True(bytes > 2048 - Guard, $"{shape}: {bytes} bytes of frames cannot grow a 2 KiB stack\n{w}");
            }
        }
    }

    [Fact]
    public void The_shapes_grow_as_they_say_by_their_frames_alone()
    {
        // Deep recursion: three doublings at least (8 KiB of frames), up the sizes one by one or several at once.
        foreach (var w in WorkloadGen.Sample(WorkloadGen.DeepRecursion, 1, 3, 30))
        {
            var g = ExpectedGrowths(w, "deep");
            Assert.True(g.Count >= 1 && g[^1].New >= 16384, $"{string.Join(", ", g)}\n{w}");
            Assert.Equal(2048, g[0].Old);
            for (var i = 1; i < g.Count; i++) Assert.Equal(g[i - 1].New, g[i].Old);
        }
        Assert.Contains(WorkloadGen.Sample(WorkloadGen.DeepRecursion, 1, 3, 30), w => ExpectedGrowths(w, "deep").Count >= 3);
        // A wide frame: one growth (the outer call fits), 2 KiB to a power of two above the frame, at once.
        foreach (var w in WorkloadGen.Sample(WorkloadGen.WideFrame, 1, 3, 30))
        {
            var (old, grown) = Assert.Single(ExpectedGrowths(w, "w"));
            Assert.Equal(2048, old);
            Assert.True(grown >= 8192, $"{grown}\n{w}");
        }
        // Growth then exit: the deep g grows before it exits; the growths list stops at the exit.
        Assert.All(WorkloadGen.Sample(WorkloadGen.GrowExitReuse, 1, 3, 30), w => Assert.NotEmpty(ExpectedGrowths(w, "deep")));
        Assert.Contains(WorkloadGen.Sample(WorkloadGen.GrowExitReuse, 12, 3, 60), w => w.ToString().Contains("repeat 66", StringComparison.Ordinal));
        Assert.All(WorkloadGen.Sample(WorkloadGen.GrowBesideParked, 1, 3, 30), w => Assert.NotEmpty(ExpectedGrowths(w, "grower")));
    }

    /// <summary>
    /// A few workloads of each shape, at the mutation run's sizes, on 1 and 2 Ps: each completes, conforms, and each
    /// of its goroutines grew exactly as <see cref="ExpectedGrowths"/> says, its body's frames alone deciding (a
    /// recycled g starts again from 2 KiB: gfput freed the grown stack).
    /// </summary>
    [Theory]
    [MemberData(nameof(StackShapes))]
    public void Generated_stack_workloads_grow_by_the_exact_sizes_and_conform(WorkloadShape shape)
    {
        var runs = 0;
        var grownBesideWaiting = 0;
        foreach (var (size, seed) in new[] { (1, 5UL), (12, 6UL) })
        {
            var workloads = WorkloadGen.Sample(WorkloadGen.Of(shape), size, seed, 2);
            foreach (var w in workloads)
            {
                foreach (var procs in new[] { 1, 2 })
                {
                    var r = Conformer.Check(RunSpec.Of(w, procs, seed));
                    runs++;
                    Assert.True(r.Conforms, $"{shape} on {procs} Ps: {r.Verdict}\n{w}");
                    Assert.Equal(OutcomeKind.Completed, r.RuntimeOutcome!.Kind);
                    Assert.Contains(r.Trace, e => e.Kind == EventKind.StackGrow);
                    foreach (var (goid, (body, growths)) in GrowthsByG(r.Trace))
                    {
                        var expected = ExpectedGrowths(w, w.Bodies[body].Name);
                        Assert.True(expected.SequenceEqual(growths),
                            $"{shape} on {procs} Ps: g{goid} ({w.Bodies[body].Name}) grew {string.Join(", ", growths)}, its frames say {string.Join(", ", expected)}\n{w}");
                    }
                    grownBesideWaiting += GrowthsWhileOthersWait(r.Trace);
                }
            }
        }
        Assert.Equal(8, runs);
        if (shape == WorkloadShape.GrowBesideParked) Assert.True(grownBesideWaiting > 0, "no stack grew while another g was parked");
    }

    /// <summary>How many StackGrow events come while some other g is _Gwaiting (its Status events say so).</summary>
    private static int GrowthsWhileOthersWait(TraceEvent[] trace)
    {
        var waiting = new HashSet<long>();
        var n = 0;
        foreach (var e in trace)
        {
            if (e.Kind == EventKind.Status)
            {
                if (e.B == (long)GStatus.Waiting) waiting.Add(e.G);
                else if (e.A == (long)GStatus.Waiting) waiting.Remove(e.G);
            }
            else if (e.Kind == EventKind.StackGrow && waiting.Any(g => g != e.G)) n++;
        }
        return n;
    }

    [Fact]
    public void Grown_gs_die_and_their_gs_come_back_with_starting_stacks()
    {
        // 66 copies on one P: gfput frees each grown stack, the list spills at 64 to the global no-stack list, and
        // the leaves' gfget takes dead gs back (from the local list, then refilled), each with a fresh 2 KiB stack.
        var w = WorkloadGen.Sample(WorkloadGen.GrowExitReuse, 12, 3, 60).First(x => x.ToString().Contains("repeat 66", StringComparison.Ordinal));
        var r = Conformer.Check(RunSpec.Of(w, 1, 1));
        Assert.True(r.Conforms, r.Verdict);
        Assert.True(r.Trace.Count(e => e.Kind == EventKind.GfGet) >= 66, "the leaves did not reuse the dead gs");
        Assert.True(r.Trace.Count(e => e.Kind == EventKind.GfPut) >= 66);
        Assert.True(r.Trace.Count(e => e.Kind == EventKind.StackGrow) >= 66);
        // And every leaf started at 2 KiB.
        var leaf = w.BodyIndex("leaf");
        var leaves = r.Trace.Where(e => e.Kind == EventKind.GoCreate && e.B == leaf).ToList();
        Assert.Equal(66, leaves.Count);
        Assert.All(leaves, e => Assert.Equal(2048, e.D - e.C));
    }
}
