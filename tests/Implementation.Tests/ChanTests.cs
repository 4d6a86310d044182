using Implementation.Trace;
using Model.Workload;
using Native;
using Native.Compiler;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>Channels and select on the real runtime (docs/channels.md): values, FIFO order, close, panics, deadlock
/// reports, select's choices and their replay, and a free-running stress run.</summary>
public class ChanTests
{
    /// <summary>1 and 2 Ps, controlled (seed 7) and free-running.</summary>
    public static TheoryData<int, bool> Modes() => new() { { 1, false }, { 2, false }, { 1, true }, { 2, true } };

    private static RunResult RunChan(string text, int procs, bool controlled, ulong seed = 7, bool trace = true)
        => Run(text, new RuntimeOptions
        {
            Procs = procs, Trace = trace, Controlled = controlled, Seed = seed, Timeout = TimeSpan.FromSeconds(30),
        });

    /// <summary>The values goroutine <paramref name="goid"/> received, in order: completed receives (ChanRecv) and
    /// woken ones (ChanWoken with D = 1), read back from its own receive slot.</summary>
    private static List<long> Received(RunResult r, long goid)
        => r.Trace!.Where(e => e.G == goid && (e.Kind == EventKind.ChanRecv || e.Kind == EventKind.ChanWoken && e.D == 1))
            .Select(e => e.B).ToList();

    /// <summary>Also the values that reached <paramref name="goid"/> while its select was parked: a direct ChanSend
    /// whose GoUnblock (the next one its M records) readies that g.</summary>
    private static List<long> ReceivedWithSelects(RunResult r, long goid)
    {
        var list = new List<long>();
        var t = r.Trace!;
        for (var i = 0; i < t.Count; i++)
        {
            var e = t[i];
            if (e.G == goid && (e.Kind == EventKind.ChanRecv || e.Kind == EventKind.ChanWoken && e.D == 1)) list.Add(e.B);
            if (e.Kind != EventKind.ChanSend || e.C != (long)ChanSendMode.Direct) continue;
            var unblock = t.Skip(i + 1).First(u => u.M == e.M && u.Kind == EventKind.GoUnblock);
            if (unblock.G == goid && !t.Any(w => w.Kind == EventKind.ChanWoken && w.G == goid && w.Seq > e.Seq && w.B == e.B)) list.Add(e.B);
        }
        return list;
    }

    private static List<long> Seq(long goid, int from, int count) => [.. Enumerable.Range(from, count).Select(n => ChanValues.Of(goid, n))];

    [Theory]
    [MemberData(nameof(Modes))]
    public void Unbuffered_ping_pong_makes_1000_round_trips_with_the_right_values(int procs, bool controlled)
    {
        const string text = """
            chan ping 0
            chan pong 0
            main { go echo; repeat 1000 { send ping; recv pong } }
            echo { repeat 1000 { recv ping; send pong } }
            """;
        var r = RunChan(text, procs, controlled);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.Equal(Seq(2, 1, 1000), Received(r, 1));
        Assert.Equal(Seq(1, 1, 1000), Received(r, 2));
        // Every hand-off was direct: nothing ever went through a buffer.
        Assert.DoesNotContain(r.Trace!, e => e.Kind == EventKind.ChanSend && e.C == (long)ChanSendMode.Buffered);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_buffered_channel_delivers_in_FIFO_order(int procs, bool controlled)
    {
        const string text = """
            chan q 3
            main { go prod; repeat 200 { recv q } }
            prod { repeat 200 { send q } }
            """;
        var r = RunChan(text, procs, controlled);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.Equal(Seq(2, 1, 200), Received(r, 1));
        Assert.Contains(r.Trace!, e => e.Kind == EventKind.ChanSend && e.C == (long)ChanSendMode.Buffered);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Close_then_drain_gives_the_buffered_values_then_zero_and_wakes_every_waiter(int procs, bool controlled)
    {
        const string text = """
            chan q 5
            chan w 0
            main { go p; go r; go r; yield; yield; repeat 5 { recv q } }
            p { send q; send q; send q; close q; close w }
            r { recv w }
            """;
        var r = RunChan(text, procs, controlled);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.Equal([.. Seq(2, 1, 3), 0, 0], Received(r, 1));
        var closedRecvs = r.Trace!.Count(e => e.Kind == EventKind.ChanRecv && e.G == 1 && e.C == (long)ChanRecvMode.Closed);
        Assert.Equal(2, closedRecvs);
        // Both receivers on w got 0 and !ok, whether they had parked before the close (ChanWoken C=0) or not.
        foreach (var g in new long[] { 3, 4 }) Assert.Equal([0L], Received(r, g));
    }

    [Theory]
    [InlineData("chan c 1\nmain { close c; send c }", "send on closed channel")]
    [InlineData("chan c 1\nmain { close c; close c }", "close of closed channel")]
    [InlineData("chan n nil\nmain { close n }", "close of nil channel")]
    [InlineData("chan c 0\nchan d 0\nmain { close c; select { send c; recv d } }", "send on closed channel")]
    public void A_panic_is_a_fatal_outcome_with_Gos_text(string text, string message)
    {
        foreach (var controlled in new[] { false, true })
        {
            var r = RunChan(text, 1, controlled);
            Assert.Equal(RunOutcome.Fatal, r.Outcome);
            Assert.Equal(ChanContract.PanicText(message, 1), r.Message);
        }
    }

    [Fact]
    public void A_sender_woken_by_close_panics()
    {
        // The first yield comes back at once (schedtick 0 looks at the global queue first); after the second, s parks.
        var r = RunChan("chan c 0\nmain { go s; yield; yield; close c; yield }\ns { send c }", 1, controlled: false);
        Assert.Equal(RunOutcome.Fatal, r.Outcome);
        Assert.Equal(ChanContract.PanicText("send on closed channel", 2), r.Message);
        Assert.True(r.Trace!.Any(e => e.Kind == EventKind.ChanWoken && e.G == 2 && e.C == 0 && e.D == 0), string.Join("\n", r.Trace!));
    }

    [Fact]
    public void Nil_channels_and_empty_selects_deadlock_with_Gos_wait_reasons()
    {
        const string text = """
            chan n nil
            chan c 0
            main {
              go a
              go b
              go d
              go e
              recv c
            }
            a { send n }
            b { recv n }
            d { select { } }
            e { select { recv c; send n } }
            """;
        var r = RunChan(text, 1, controlled: false);
        Assert.Equal(RunOutcome.Deadlock, r.Outcome);
        Assert.StartsWith("fatal error: all goroutines are asleep - deadlock!", r.Message, StringComparison.Ordinal);
        Assert.Contains("goroutine 1 [chan receive]:\nmain line 8: recv c", r.Message, StringComparison.Ordinal);
        Assert.Contains("goroutine 2 [chan send (nil chan)]:\na line 10: send n", r.Message, StringComparison.Ordinal);
        Assert.Contains("goroutine 3 [chan receive (nil chan)]:\nb line 11: recv n", r.Message, StringComparison.Ordinal);
        Assert.Contains("goroutine 4 [select (no cases)]:", r.Message, StringComparison.Ordinal);
        Assert.Contains("goroutine 5 [select]:", r.Message, StringComparison.Ordinal);
        Assert.Equal(
            ["chan receive c", "chan send (nil chan) n", "chan receive (nil chan) n", "select (no cases)", "select c"],
            r.Blocked.Select(b => b.Semaphore));
        Assert.Equal(["chan receive", "chan send (nil chan)", "chan receive (nil chan)", "select (no cases)", "select"],
            r.Blocked.Select(b => b.WaitReason));
        Assert.Contains(r.Trace!, e => e.Kind == EventKind.GoStop && e.G == 2 && e.A == (long)StopReason.SendNilChan && e.B == 0);
        Assert.Contains(r.Trace!, e => e.Kind == EventKind.GoStop && e.G == 4 && e.A == (long)StopReason.SelectNoCases);
    }

    [Fact]
    public void A_semaphore_waiter_is_still_described_by_its_semaphore()
    {
        var r = RunChan("chan c 0\nmain { go w; recv c }\nw { acquire s }", 1, controlled: false);
        Assert.Equal(RunOutcome.Deadlock, r.Outcome);
        Assert.Equal(["chan receive c", "s"], r.Blocked.Select(b => b.Semaphore));
        Assert.Contains("goroutine 2 [semacquire]:", r.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_select_with_a_default_takes_it_when_nothing_is_ready(int procs, bool controlled)
    {
        const string text = """
            chan c 0
            chan d 1
            main {
              select { recv c { exit }; default { work 1 } }
              select { recv c { exit }; send d { work 2 }; default { exit } }
              select { recv c { exit }; recv d { work 3 }; default { exit } }
            }
            """;
        var r = RunChan(text, procs, controlled);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var selects = Events(r, EventKind.Select).ToList();
        Assert.Equal([1L, 1L, 1L], selects.Select(e => e.B));
        Assert.Equal([1L, 2L, 2L], selects.Select(e => e.C)); // non-nil channel cases
        Assert.All(selects, e => Assert.Equal(1L, e.D));
        Assert.Equal([ChanValues.Of(1, 1)], Received(r, 1));
    }

    private const string Race = """
        chan a 0
        chan b 0
        chan done 0
        main { go sa; go sb; go x; repeat 20 { select { recv a; recv b { yield } } }; recv done }
        sa { repeat 10 { send a } }
        sb { repeat 10 { send b } }
        x { repeat 3 { yield }; send done }
        """;

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_select_race_completes_and_gets_every_value_once(int procs, bool controlled)
    {
        for (var seed = 1UL; seed <= (controlled ? 8UL : 3UL); seed++)
        {
            var r = RunChan(Race, procs, controlled, seed);
            Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
            var got = ReceivedWithSelects(r, 1).Where(v => ChanValues.Goid(v) is 2 or 3).ToList();
            Assert.Equal([.. Seq(2, 1, 10), .. Seq(3, 1, 10)], got.Order().ToList());
            // Per sender, the values came in order.
            Assert.Equal(Seq(2, 1, 10), got.Where(v => ChanValues.Goid(v) == 2).ToList());
            // Every SelectWoken names a case, and the whole select bookkeeping left no sudog behind.
            Assert.All(Events(r, EventKind.SelectWoken), e => Assert.InRange(e.A, 0, 1));
        }
    }

    [Fact]
    public void A_controlled_run_with_selects_replays_exactly_from_its_choices()
    {
        const string text = """
            chan a 0
            chan b 2
            chan c 0
            main { go s; go t; repeat 30 { select { recv a; recv b; send c } } }
            s { repeat 15 { select { send a; send b } } }
            t { repeat 15 { recv c } }
            """;
        var first = RunChan(text, 2, controlled: true, seed: 11);
        Assert.True(first.Outcome == RunOutcome.Completed, first.Message);
        Assert.Contains(first.ChoiceLog, c => c.Kind == ChoiceKind.SelectOrder && c.Options == 6);
        Assert.Contains(first.ChoiceLog, c => c.Kind == ChoiceKind.SelectOrder && c.Options == 2);
        var replay = Run(text, new RuntimeOptions
        {
            Procs = 2, Trace = true, Controlled = true, Seed = 999, Replay = first.Choices, Timeout = TimeSpan.FromSeconds(30),
        });
        Assert.Equal(first.Choices, replay.Choices);
        Assert.Equal(Signature(first), Signature(replay));
        // The poll order codes the trace reports are the choices made.
        var codes = first.ChoiceLog.Where(c => c.Kind == ChoiceKind.SelectOrder).Select(c => (long)c.Value).ToList();
        var reported = Events(first, EventKind.Select).Where(e => e.C >= 2).Select(e => e.A).ToList();
        Assert.Equal(codes, reported);
    }

    /// <summary>The trace without raw addresses (stacks and code are mapped anew each run).</summary>
    private static List<(EventKind, short, long, long, long, long, long)> Signature(RunResult r)
        => r.Trace!.Select(e => e.Kind is EventKind.GobufLoad or EventKind.GobufSave or EventKind.GoCreate
            ? (e.Kind, e.P, e.G, e.Kind == EventKind.GoCreate ? e.A : 0L, 0L, 0L, 0L)
            : (e.Kind, e.P, e.G, e.A, e.B, e.C, e.D)).ToList();

    [Fact]
    public void A_free_running_stress_on_4_Ps_completes_and_gives_every_sudog_back()
    {
        // Every receiving op is a select over all three channels, so any waiting sender and any waiting receiver can
        // meet, and a value left in a buffer is always someone's to take: 6 × 600 sends, 6 × 600 receives.
        const string text = """
            chan c 0
            chan d 4
            chan e 1
            main { repeat 6 { go s }; repeat 6 { go r } }
            s { repeat 300 { send c; select { send d; send e; send c } } }
            r { repeat 600 { select { recv c; recv d; recv e } } }
            """;
        var w = WorkloadParser.Parse(text);
        var options = new RuntimeOptions { Procs = 4, Timeout = TimeSpan.FromSeconds(60) };
        using var compiled = WorkloadCompiler.Compile(w, Sched.Services, StubSet.Get(options.EffectiveStubs));
        for (var round = 0; round < 3; round++)
        {
            var sched = new Sched(compiled, options);
            var r = sched.Run();
            Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
            Assert.True(sched.JoinedCleanly);
            var (allocated, free) = sched.SudogCounts();
            Assert.Equal(allocated, free);
            Assert.All(sched.ChanStates(), c => Assert.True(c.RecvQ == 0 && c.SendQ == 0, $"chan {c.Index}: {c.RecvQ} receivers, {c.SendQ} senders queued"));
            sched.Dispose();
        }
    }
}
