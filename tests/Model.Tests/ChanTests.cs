using Model.Workload;
using static Model.Tests.ChanKit;

namespace Model.Tests;

/// <summary>Channels on the model (docs/channels.md): exact events, exact queue and buffer contents, panics,
/// nil channels, and the invariants C1-C5 on states built to break them.</summary>
public class ChanTests
{
    [Fact]
    public void Unbuffered_ping_pong_on_one_P_produces_this_exact_event_sequence()
    {
        var model = Make("""
            chan c 0
            main {
              go pong
              send c
              recv c
            }
            pong {
              recv c
              send c
            }
            """);
        var (final, events) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        // Ordinals: main 0 go, 1 send, 2 recv; pong 0 recv, 1 send. Both bodies send or receive, so their frames
        // have the two channel slots: rsp = rbp + 16 = hi - 64. Values: g1#1 = 1<<32 | 1, g2#1 = 2<<32 | 1.
        string[] expected =
        [
            // rt0_go: P0, newproc(main) into runnext; schedule runs main.
            "PStatus p0 0->1 (m0 p0)",
            "Status g0 _Gidle->_Gdead E2 (m0 p0)",
            "Status g1 _Gdead->_Grunnable E3 (m0 p0)",
            "GoCreate g0 1 0 2048 0 (m0 p0)",
            "RunnextPut g1 0 0 0 0 (m0 p0)",
            "RunqGet g1 0 0 1 0 (m0 p0)",
            "Status g1 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g1 1 0 0 0 (m0 p0)",
            "GobufLoad g1 2 40 0 0 (m0 p0)",
            // go pong: into runnext.
            "Status g0 _Gidle->_Gdead E2 (m0 p0)",
            "Status g2 _Gdead->_Grunnable E3 (m0 p0)",
            "GoCreate g1 2 1 2048 0 (m0 p0)",
            "RunnextPut g2 0 0 0 0 (m0 p0)",
            // send c: nobody receives; a plain sudog on sendq (length 1, D = -1), then the park: mcall from op 1.
            "ChanEnqueue g1 0 0 1 -1 (m0 p0)",
            "GobufSave g1 64 17 48 0 (m0 p0)",
            "Status g1 _Grunning->_Gwaiting E5 (m0 p0)",
            "GoBlockSend g1 0 0 0 0 (m0 p0)",
            "RunqGet g2 0 0 1 0 (m0 p0)",
            "Status g2 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g2 1 0 0 0 (m0 p0)",
            "GobufLoad g2 2 40 0 0 (m0 p0)",
            // pong: recv c takes main from sendq (Direct: g1#1 into pong's slot) and readies main into runnext.
            "ChanRecv g2 0 4294967297 1 0 (m0 p0)",
            "Status g1 _Gwaiting->_Grunnable E6 (m0 p0)",
            "GoUnblock g1 2 0 1 0 (m0 p0)",
            "RunnextPut g1 0 0 0 0 (m0 p0)",
            // send c: main is not receiving yet: pong parks on sendq.
            "ChanEnqueue g2 0 0 1 -1 (m0 p0)",
            "GobufSave g2 64 17 48 0 (m0 p0)",
            "Status g2 _Grunning->_Gwaiting E5 (m0 p0)",
            "GoBlockSend g2 0 0 0 0 (m0 p0)",
            "RunqGet g1 0 0 1 0 (m0 p0)",
            "Status g1 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g1 1 0 0 0 (m0 p0)",
            "GobufLoad g1 17 64 48 0 (m0 p0)",
            // main resumes at op 1: the tail of chansend (sent g1#1, success) is its whole step.
            "ChanWoken g1 0 4294967297 1 0 (m0 p0)",
            // recv c: pong's g2#1, direct; pong into runnext.
            "ChanRecv g1 0 8589934593 1 0 (m0 p0)",
            "Status g2 _Gwaiting->_Grunnable E6 (m0 p0)",
            "GoUnblock g2 1 0 1 0 (m0 p0)",
            "RunnextPut g2 0 0 0 0 (m0 p0)",
            "GobufSave g1 32 1 0 0 (m0 p0)",
            "Status g1 _Grunning->_Gdead E8 (m0 p0)",
            "GoEnd g1 0 0 0 0 (m0 p0)",
            "GfPut g1 1 0 0 0 (m0 p0)",
            "RunqGet g2 0 0 1 0 (m0 p0)",
            "Status g2 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g2 1 0 0 0 (m0 p0)",
            "GobufLoad g2 17 64 48 0 (m0 p0)",
            // pong resumes: its send of g2#1 succeeded.
            "ChanWoken g2 0 8589934593 1 0 (m0 p0)",
            "GobufSave g2 32 1 0 0 (m0 p0)",
            "Status g2 _Grunning->_Gdead E8 (m0 p0)",
            "GoEnd g2 0 0 0 0 (m0 p0)",
            "GfPut g2 2 0 0 0 (m0 p0)",
            "PStatus p0 1->0 (m0 p0)",
        ];
        Assert.Equal(expected, events);
    }

    [Fact]
    public void A_direct_send_readies_the_receiver_into_the_senders_runnext_with_the_value_in_its_slot()
    {
        var model = Make("chan c 0\nmain {\n  go r\n  yield\n  yield\n  send c\n}\nr {\n  recv c\n}");
        // The first yield comes straight back (the 1-in-61 global check with schedtick 0); the second lets r park.
        // Stop right after main's send: r was parked on recvq and is now runnable in P0's runnext.
        var (s, events) = StepUntil(model, s => s.AllGs.Count == 2 && s.AllGs[1].ChanWoken);
        var r = s.AllGs[1];
        Assert.Equal(GStatus.Runnable, r.Status);
        Assert.Equal(r.Slot + 1, s.Ps[0].RunNext);
        Assert.Equal(V(1, 1), r.RecvSlot);
        Assert.Equal(-1, r.WakeCase);
        Assert.True(r.WakeSuccess);
        Assert.Equal(WaitReason.None, r.WaitReason);
        Assert.Empty(s.Channels[0].Receivers);
        Assert.Equal(["ChanEnqueue g2 0 1 1 -1 (m0 p0)", "GoBlockRecv g2 0 0 0 0 (m0 p0)",
            $"ChanSend g1 0 {V(1, 1)} 1 0 (m0 p0)", "GoUnblock g2 1 0 1 0 (m0 p0)"], ChanEvents(events));
        Assert.Empty(Failing(model, s));
    }

    [Fact]
    public void A_buffered_channel_delivers_values_first_in_first_out()
    {
        var model = Make("""
            chan d 3
            main {
              go consumer
              repeat 3 { send d }
            }
            consumer {
              repeat 3 { recv d }
            }
            """);
        // Main fills the buffer and ends before the consumer runs: the ring is full and sendx has wrapped to 0.
        var (s, _) = StepUntil(model, s => s.AllGs.Count == 2 && s.AllGs[0].Status == GStatus.Dead);
        var d = s.Channels[0];
        Assert.Equal([V(1, 1), V(1, 2), V(1, 3)], d.Buffer);
        Assert.Equal((3, 0, 0), (d.QCount, d.SendX, d.RecvX));
        Assert.Equal([V(1, 1), V(1, 2), V(1, 3)], d.Unreceived);
        Assert.Empty(Failing(model, s));

        var (final, events) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(
        [
            $"ChanSend g1 0 {V(1, 1)} 0 {ChanContract.Pack(1, 1, 0)} (m0 p0)",
            $"ChanSend g1 0 {V(1, 2)} 0 {ChanContract.Pack(2, 2, 0)} (m0 p0)",
            $"ChanSend g1 0 {V(1, 3)} 0 {ChanContract.Pack(3, 0, 0)} (m0 p0)",
            $"ChanRecv g2 0 {V(1, 1)} 0 {ChanContract.Pack(2, 0, 1)} (m0 p0)",
            $"ChanRecv g2 0 {V(1, 2)} 0 {ChanContract.Pack(1, 0, 2)} (m0 p0)",
            $"ChanRecv g2 0 {V(1, 3)} 0 {ChanContract.Pack(0, 0, 0)} (m0 p0)",
        ], ChanEvents(events));
        Assert.Equal([0L, 0L, 0L], final.Channels[0].Buffer); // every slot a receive took was cleared
    }

    [Fact]
    public void A_receive_from_a_full_buffer_with_a_waiting_sender_hands_the_senders_value_into_the_freed_slot()
    {
        var model = Make("""
            chan d 2
            main {
              go consumer
              send d
              send d
              send d
              yield
            }
            consumer {
              recv d
              recv d
              recv d
            }
            """);
        // The third send finds the buffer full and parks; the consumer's first receive is the handoff.
        var (s, events) = StepUntil(model, s => s.AllGs.Count == 2 && s.AllGs[0].ChanWoken);
        var d = s.Channels[0];
        Assert.Equal([V(1, 3), V(1, 2)], d.Buffer);     // slot 0 (recvx before) now holds the sender's value
        Assert.Equal((2, 1, 1), (d.QCount, d.SendX, d.RecvX)); // recvx moved on and sendx = recvx
        Assert.Equal([V(1, 2), V(1, 3)], d.Queued());
        Assert.Equal([V(1, 2), V(1, 3)], d.Unreceived);
        Assert.Empty(d.Senders);
        Assert.Equal(V(1, 1), s.AllGs[1].RecvSlot);
        Assert.Equal(1, s.Ps[0].RunNext); // main, readied into the consumer's runnext
        Assert.Equal(
        [
            $"ChanSend g1 0 {V(1, 1)} 0 {ChanContract.Pack(1, 1, 0)} (m0 p0)",
            $"ChanSend g1 0 {V(1, 2)} 0 {ChanContract.Pack(2, 0, 0)} (m0 p0)",
            "ChanEnqueue g1 0 0 1 -1 (m0 p0)",
            "GoBlockSend g1 0 0 0 0 (m0 p0)",
            $"ChanRecv g2 0 {V(1, 1)} 2 {ChanContract.Pack(2, 1, 1)} (m0 p0)",
            "GoUnblock g1 2 0 1 0 (m0 p0)",
        ], ChanEvents(events));
        Assert.Empty(Failing(model, s));
        var (final, all) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Contains($"ChanWoken g1 0 {V(1, 3)} 1 0 (m0 p0)", all);
        Assert.Equal([V(1, 1), V(1, 2), V(1, 3)], all.Where(e => e.StartsWith("ChanRecv")).Select(e => long.Parse(e.Split(' ')[3])));
    }

    private const string CloseTwo = """
        chan c 0
        main {
          go r
          go r
          yield
          yield
          close c
        }
        r {
          recv c
        }
        """;

    [Fact]
    public void Close_releases_both_receivers_and_readies_the_last_dequeued_first()
    {
        var model = Make(CloseTwo);
        var (s, events) = StepUntil(model, s => s.Channels[0].Closed);
        // recvq was [g3, g2] (g3 ran first from runnext). The gList is a stack: g2 is readied first (runnext), then
        // g3 takes runnext and evicts g2 to the ring.
        Assert.Equal(
        [
            "ChanEnqueue g3 0 1 1 -1 (m0 p0)", "GoBlockRecv g3 0 0 0 0 (m0 p0)",
            "ChanEnqueue g2 0 1 2 -1 (m0 p0)", "GoBlockRecv g2 0 0 0 0 (m0 p0)",
            "ChanClose g1 0 2 0 0 (m0 p0)",
            "GoUnblock g2 1 0 1 0 (m0 p0)",
            "GoUnblock g3 1 0 1 0 (m0 p0)",
        ], ChanEvents(events));
        Assert.Equal(["RunnextPut g2 0 0 0 0 (m0 p0)", "RunnextPut g3 2 0 0 0 (m0 p0)", "RunqPut g2 1 2 0 0 (m0 p0)"],
            events.SkipWhile(e => !e.StartsWith("ChanClose")).Where(e => e.StartsWith("Runq") || e.StartsWith("Runnext")));
        Assert.Equal(3, s.Ps[0].RunNext);         // g3 (slot 2)
        Assert.Equal([1], s.Ps[0].RunQSlots());   // g2 (slot 1)
        foreach (var slot in new[] { 1, 2 })
        {
            var r = s.AllGs[slot];
            Assert.Equal((0L, -1, false), (r.RecvSlot, r.WakeCase, r.WakeSuccess));
        }
        Assert.Empty(s.Channels[0].Receivers);
        Assert.Empty(Failing(model, s));
        var (final, all) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(["ChanWoken g3 0 0 0 1 (m0 p0)", "ChanWoken g2 0 0 0 1 (m0 p0)"], all.Where(e => e.StartsWith("ChanWoken")));
    }

    [Fact]
    public void A_send_on_a_closed_channel_panics_with_Gos_text()
    {
        var model = Make("chan c 1\nmain {\n  close c\n  send c\n}");
        var (final, events) = Run(model);
        Assert.Equal(Outcome.Fatal, final.Outcome);
        Assert.Equal(Throw.SendOnClosed, final.Fatal);
        Assert.True(final.Fatal.IsPanic());
        Assert.Equal("send on closed channel", final.Fatal.Message());
        Assert.Equal(1, final.PanicGoid);
        Assert.Equal("panic: send on closed channel\n\ngoroutine 1 [running]:", final.FatalText);
        Assert.Equal(["ChanClose g1 0 0 0 0 (m0 p0)"], ChanEvents(events));
        // Not a broken scheduler: no Always property fails; the end-state property names it for explore.
        Assert.Equal(0UL, SchedInvariants.Failing(final, model.Config));
        Assert.False(model.Invariants[SchedInvariants.NoPanic].Holds(final));
    }

    [Fact]
    public void A_sender_parked_when_the_channel_is_closed_wakes_and_panics()
    {
        // The first yield comes straight back (the 1-in-61 global check with schedtick 0); the second lets s run.
        var model = Make("chan c 0\nmain {\n  go s\n  yield\n  yield\n  close c\n}\ns {\n  send c\n}");
        var (final, events) = Run(model);
        Assert.Equal(Throw.SendOnClosed, final.Fatal);
        Assert.Equal(2, final.PanicGoid);
        Assert.Equal("panic: send on closed channel\n\ngoroutine 2 [running]:", final.FatalText);
        Assert.Equal(
        [
            "ChanEnqueue g2 0 0 1 -1 (m0 p0)", "GoBlockSend g2 0 0 0 0 (m0 p0)",
            "ChanClose g1 0 0 1 0 (m0 p0)", "GoUnblock g2 1 0 1 0 (m0 p0)",
            $"ChanWoken g2 0 {V(2, 1)} 0 0 (m0 p0)",
        ], ChanEvents(events));
    }

    [Fact]
    public void Close_of_a_closed_channel_panics()
    {
        var (final, _) = Run(Make("chan c 0\nmain {\n  close c\n  close c\n}"));
        Assert.Equal(Throw.CloseOfClosed, final.Fatal);
        Assert.Equal("panic: close of closed channel\n\ngoroutine 1 [running]:", final.FatalText);
    }

    [Fact]
    public void Close_of_a_nil_channel_panics()
    {
        var (final, events) = Run(Make("chan n nil\nmain {\n  close n\n}"));
        Assert.Equal(Throw.CloseOfNil, final.Fatal);
        Assert.Equal("close of nil channel", final.Fatal.Message());
        Assert.Equal("panic: close of nil channel\n\ngoroutine 1 [running]:", final.FatalText);
        Assert.Empty(ChanEvents(events));
        Assert.False(Throw.Deadlock.IsPanic());
        Assert.Equal("fatal error: all goroutines are asleep - deadlock!", Throw.Deadlock.FullText(0));
    }

    [Fact]
    public void A_receive_from_a_nil_channel_blocks_for_good_and_the_run_deadlocks()
    {
        var model = Make("chan n nil\nmain {\n  recv n\n}");
        var (final, events) = Run(model);
        Assert.Equal(Outcome.Fatal, final.Outcome);
        Assert.Equal(Throw.Deadlock, final.Fatal);
        var g = final.AllGs[0];
        Assert.Equal(GStatus.Waiting, g.Status);
        Assert.Equal(WaitReason.ChanReceiveNilChan, g.WaitReason);
        Assert.Equal("chan receive (nil chan)", g.WaitReason.GoName());
        Assert.Equal([0], final.WaitChannels(g));
        Assert.Equal("chan receive (nil chan) n", final.BlockedOn(g));
        Assert.Equal(
        [
            "GobufSave g1 64 16 48 0 (m0 p0)",
            "Status g1 _Grunning->_Gwaiting E5 (m0 p0)",
            "GoStop g1 2 0 0 0 (m0 p0)",
            "PStatus p0 1->0 (m0 p0)",
        ], events.TakeLast(4));
        Assert.Empty(Failing(model, final));
    }

    [Fact]
    public void A_send_on_a_nil_channel_blocks_for_good()
    {
        var (final, events) = Run(Make("chan n nil\nmain {\n  send n\n}"));
        Assert.Equal(Throw.Deadlock, final.Fatal);
        Assert.Equal(WaitReason.ChanSendNilChan, final.AllGs[0].WaitReason);
        Assert.Equal("chan send (nil chan) n", final.BlockedOn(final.AllGs[0]));
        Assert.Contains("GoStop g1 1 0 0 0 (m0 p0)", events);
    }

    [Fact]
    public void A_g_blocked_on_a_channel_is_described_by_its_wait_reason_and_channel()
    {
        var (final, _) = Run(Make("chan c 0\nmain {\n  recv c\n}"));
        Assert.Equal(Throw.Deadlock, final.Fatal);
        var g = final.AllGs[0];
        Assert.Equal(WaitReason.ChanReceive, g.WaitReason);
        Assert.Equal("chan receive c", final.BlockedOn(g));
        Assert.Equal([new Sudog(0, -1)], final.Channels[0].Receivers);
    }

    [Fact]
    public void A_reused_g_counts_its_sends_from_one_again()
    {
        var model = Make("""
            chan d 4
            main {
              go w
              yield
              yield
              go w
              yield
              yield
            }
            w {
              send d
              send d
            }
            """);
        var (final, events) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        // The second w reuses the first's g (gfget) with a new goid, 3: its values start at #1.
        Assert.Equal([V(2, 1), V(2, 2), V(3, 1), V(3, 2)], final.Channels[0].Queued());
        Assert.Equal(2, final.AllGs.Count);
    }

    // ---- C1-C5 on states built to break them ----

    /// <summary>main has put one value in d and waits on c's recvq.</summary>
    private static (SchedModel Model, SchedState State) Parked()
    {
        var model = Make("chan c 0\nchan d 2\nmain {\n  send d\n  recv c\n}");
        var (s, _) = StepUntil(model, s => s.AllGs.Count == 1 && s.AllGs[0].Status == GStatus.Waiting);
        Assert.Empty(Failing(model, s));
        return (model, s);
    }

    private static void Breaks(Action<SchedState> breakIt, int bit)
    {
        var (model, s) = Parked();
        breakIt(s);
        Assert.Contains(SchedInvariants.AlwaysNames[bit], Failing(model, s));
    }

    [Fact]
    public void C1_NoBothQueues_fails_when_a_channel_has_a_waiting_sender_and_receiver() =>
        Breaks(s =>
        {
            // a second g, waiting to send on c while main waits to receive on it
            var g = new G(1, s.RepeatDepth) { Goid = 2, Status = GStatus.Waiting, Body = 0, After = 0, StackSize = 2048, ChanWait = WaitReason.ChanSend };
            s.AllGs.Add(g);
            s.Chans[0].SendQ.Add(new Sudog(1, -1));
        }, SchedInvariants.NoBothQueues);

    [Fact]
    public void C1_holds_for_one_select_waiting_on_both_ends_of_one_channel()
    {
        // Found by the default campaign: pass 2 queues one sudog per case, so select { recv c; send c } parks on c's
        // recvq and sendq at once, which Go allows (no other g can be waiting on c: it would have matched one of them).
        var model = Make("chan c 0\nmain {\n  select {\n    recv c\n    send c\n  }\n}");
        var (s, _) = StepUntil(model, s => s.AllGs.Count == 1 && s.AllGs[0].Status == GStatus.Waiting);
        Assert.Single(s.Chans[0].RecvQ);
        Assert.Single(s.Chans[0].SendQ);
        Assert.Empty(Failing(model, s));
    }

    [Fact]
    public void C2_QCountBounded_fails_when_sendx_disagrees_with_recvx_plus_qcount()
    {
        Breaks(s => s.Chans[1].SendX = 0, SchedInvariants.QCountBounded);
        Breaks(s => s.Chans[1].QCount = 3, SchedInvariants.QCountBounded);
    }

    [Fact]
    public void C3_BufferVsWaiters_fails_when_a_non_empty_buffer_has_a_waiting_receiver() =>
        Breaks(s =>
        {
            // move main's sudog from c's recvq to d's, whose buffer holds a value
            s.Chans[0].RecvQ.Clear();
            s.Chans[1].RecvQ.Add(new Sudog(0, -1));
        }, SchedInvariants.BufferVsWaiters);

    [Fact]
    public void C4_SudogWaits_fails_when_a_sudogs_g_does_not_wait_on_that_channel()
    {
        Breaks(s => s.AllGs[0].ChanWait = WaitReason.ChanSend, SchedInvariants.SudogWaits);
        Breaks(s => s.Chans[0].RecvQ[0] = new Sudog(0, 1), SchedInvariants.SudogWaits); // a select sudog of a plain receive
        Breaks(s => s.AllGs[0].SelectDone = true, SchedInvariants.SudogWaits);
    }

    [Fact]
    public void C5_FifoValues_fails_when_the_buffer_does_not_hold_the_oldest_unreceived_values()
    {
        Breaks(s => s.Chans[1].Buf[0] = V(1, 7), SchedInvariants.FifoValues);
        Breaks(s => s.Chans[1].Ledger.Add(V(1, 2)), SchedInvariants.FifoValues);
        Breaks(s => s.Chans[1].FifoBroken = true, SchedInvariants.FifoValues);
        Breaks(s => s.Chans[1].Buf[1] = V(1, 1), SchedInvariants.FifoValues); // a slot outside the live part not cleared
    }

    [Fact]
    public void The_encoding_round_trips_the_channel_state()
    {
        var (model, s) = Parked();
        var copy = model.Blank();
        copy.Decode(s.ToBytes());
        Assert.Equal(s.Lines(), copy.Lines());
        Assert.True(copy.SameAs(s));
        var changed = s.Clone();
        changed.Chans[1].Ledger[0] = V(1, 9);
        Assert.False(changed.SameAs(s));
        // A workload without channels writes no channel bytes at all.
        var plain = new TestStates().State;
        Assert.False(plain.UsesChannels);
    }
}
