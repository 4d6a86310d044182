using Bench.Peers;
using Bench.Scheduler;
using Model.Workload;

namespace Bench.Tests;

/// <summary>
/// The channel rows' workloads: they parse and print back, are well-formed, and do as many operations as their row
/// divides by. What they cost is never asserted here.
/// </summary>
public class ChannelWorkloadTests
{
    public static TheoryData<string> ChannelShapes() => ["chan-pingpong", "chan-buffered", "chan-select"];

    static OursProbes.Shape ShapeOf(string row) => row switch
    {
        "chan-pingpong" => OursProbes.ChanPingPongShape,
        "chan-buffered" => OursProbes.ChanBufferedShape,
        "chan-select" => OursProbes.ChanSelectShape,
        "pingpong-sema" => OursProbes.PingPongShape,
        "gosched" => OursProbes.GoschedShape,
        "spawn-exit" => OursProbes.SpawnExitShape,
        _ => throw new ArgumentOutOfRangeException(nameof(row), row, null),
    };

    /// <summary>What a row counts as one operation, executed over the whole run.</summary>
    static long Operations(string row, Workload w) => row switch
    {
        "chan-pingpong" or "chan-buffered" or "chan-select" => Executed(w, op => op is SendOp),
        "pingpong-sema" => Executed(w, op => op is ReleaseOp),
        "gosched" => Executed(w, op => op is YieldOp),
        "spawn-exit" => Executed(w, op => op is GoOp { Body: "child" }),
        _ => throw new ArgumentOutOfRangeException(nameof(row), row, null),
    };

    /// <summary>
    /// How many times ops matching <paramref name="match"/> run, from main through every goroutine it starts (each
    /// <c>go</c> runs its body once more). Select cases must have empty blocks: which one runs is the runtime's choice.
    /// </summary>
    static long Executed(Workload w, Func<Op, bool> match)
    {
        return Count(w[Workload.MainBody].Ops, 1, depth: 0);

        long Count(Block block, long times, int depth)
        {
            Assert.True(depth < 16, "go recursion");
            long n = 0;
            foreach (var op in block)
            {
                if (match(op)) n += times;
                switch (op)
                {
                    case RepeatOp r: n += Count(r.Body, times * r.Count, depth); break;
                    case CallOp c: n += Count(c.Body, times, depth); break;
                    case GoOp g: n += Count(w[g.Body].Ops, times, depth + 1); break;
                    case SelectOp s: Assert.All(s.CaseOps, c => Assert.Empty(c.Body)); break;
                }
            }
            return n;
        }
    }

    static IEnumerable<Op> AllOps(Block block) =>
        block.SelectMany(op => op.Nested is Block b ? AllOps(b).Prepend(op) : [op]);

    [Theory]
    [MemberData(nameof(ChannelShapes))]
    public void Channel_workloads_are_well_formed_and_print_back(string row)
    {
        foreach (var n in new[] { 1, 2, 10, 500_000 })
        {
            var w = ShapeOf(row).Make(n);
            Assert.True(WorkloadValidator.IsWellFormed(w), row + ": " + string.Join("; ", WorkloadValidator.Problems(w)));
            Assert.Equal(Workload.MainBody, w.Bodies[0].Name);
            Assert.Equal(w, WorkloadParser.Parse(WorkloadPrinter.Print(w), "printed"));
            Assert.All(w.Channels, c => Assert.False(c.IsNil));
            // Nothing closes a channel: every message is a send that some receive takes.
            Assert.DoesNotContain(w.Bodies.SelectMany(b => AllOps(b.Ops)), op => op is CloseOp);
        }
    }

    [Theory]
    [InlineData("chan-pingpong")]
    [InlineData("chan-buffered")]
    [InlineData("chan-select")]
    [InlineData("pingpong-sema")]
    [InlineData("gosched")]
    [InlineData("spawn-exit")]
    public void A_rows_divisor_is_the_operations_its_workload_does(string row)
    {
        var shape = ShapeOf(row);
        foreach (var n in new[] { 1, 2, 7, 100_000 })
            Assert.Equal(shape.OpsPerN * (long)n, Operations(row, shape.Make(n)));
        // A sample is T(n) - T(1): its divisor is the operations of size n less those of size 1.
        foreach (var n in new[] { 2, 7, 100_000 })
            Assert.Equal(Operations(row, shape.Make(n)) - Operations(row, shape.Make(1)), OursProbes.Divisor(shape, n));
    }

    [Theory]
    [MemberData(nameof(ChannelShapes))]
    public void Ours_sends_as_many_messages_as_the_go_peer(string row)
    {
        // PeersCommand gives ours the message count and the Go peer -n = messages / 2 round trips for the ping-pongs
        // (it divides by 2n), -n = messages for chan-buffered.
        var shape = ShapeOf(row);
        foreach (var messages in new[] { PeerSizes.Full.ChanMessages, PeerSizes.Quick.ChanMessages, PeerSizes.Smoke.ChanMessages })
        {
            var goMessages = row == "chan-buffered" ? messages : 2 * (messages / 2);
            Assert.Equal(goMessages, Operations(row, shape.Make(shape.SizeFor(messages))));
        }
    }

    [Fact]
    public void Every_message_is_received()
    {
        foreach (var row in new[] { "chan-pingpong", "chan-buffered" })
        {
            var w = ShapeOf(row).Make(9);
            foreach (var c in w.Channels)
                Assert.Equal(Executed(w, op => op is SendOp s && s.Chan == c.Name), Executed(w, op => op is RecvOp r && r.Chan == c.Name));
        }
    }

    [Fact]
    public void Channel_capacities_are_what_the_rows_say()
    {
        Assert.Equal([0, 0], OursProbes.ChanPingPongShape.Make(3).Channels.Select(c => c.Capacity));
        Assert.Equal([BenchWorkloads.BufferedCapacity], OursProbes.ChanBufferedShape.Make(3).Channels.Select(c => c.Capacity));
        Assert.Equal(128, BenchWorkloads.BufferedCapacity);
        Assert.All(OursProbes.ChanSelectShape.Make(3).Channels, c => Assert.Equal(0, c.Capacity));
        // The Go peer uses the same capacity.
        Assert.Contains($"make(chan int, {BenchWorkloads.BufferedCapacity})", File.ReadAllText(Path.Combine(RepoPaths.PeerSources(), "go", "main.go")));
    }

    [Fact]
    public void Each_select_has_two_receive_cases_one_on_the_partners_channel_and_one_nobody_sends_on()
    {
        const int n = 5;
        var w = OursProbes.ChanSelectShape.Make(n);
        Assert.Equal(2, w.Bodies.Length);
        var sentTo = w.Bodies.ToDictionary(b => b.Name, b => AllOps(b.Ops).OfType<SendOp>().Select(s => s.Chan).ToHashSet());
        var everSent = sentTo.Values.SelectMany(s => s).ToHashSet();
        foreach (var body in w.Bodies)
        {
            var partner = w.Bodies.Single(b => b.Name != body.Name).Name;
            var selects = AllOps(body.Ops).OfType<SelectOp>().ToList();
            var select = Assert.Single(selects);
            Assert.Equal(-1, select.DefaultIndex);
            Assert.Equal(2, select.ChannelCases);
            Assert.All(select.CaseOps, c => Assert.Equal(SelectCaseKind.Recv, c.Kind));
            var chans = select.CaseOps.Select(c => c.Chan!).ToList();
            Assert.Equal(2, chans.Distinct().Count());
            Assert.Single(chans, c => sentTo[partner].Contains(c));
            Assert.Single(chans, c => !everSent.Contains(c));
            // Its receives are all selects: no plain recv, so each message is taken by one select.
            Assert.DoesNotContain(AllOps(body.Ops), op => op is RecvOp);
        }
        Assert.Equal(2L * n, Executed(w, op => op is SelectOp));
    }
}
