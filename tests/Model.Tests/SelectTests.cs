using Model.Checking;
using Model.Workload;
using static Model.Tests.ChanKit;

namespace Model.Tests;

/// <summary>select on the model (docs/channels.md): default, the race of two wakers, pass 3, the poll order as a
/// choice, the lock order, the forms Go's compiler rewrites, and an exhaustive search on two Ps.</summary>
public class SelectTests
{
    [Fact]
    public void A_select_with_a_default_takes_it_when_nothing_is_ready_and_then_runs_its_block()
    {
        var model = Make("""
            chan c 0
            chan d 1
            main {
              select {
                recv c
                send d
                default { yield }
              }
              select {
                recv c { yield }
                send d
                default { yield }
              }
            }
            """);
        // Poll code 1 is the order [0, 1]: recv c (nobody sends), then send d. The first select buffers into d; the
        // second finds d full and takes the default (case 2), whose yield runs next; both selects started a send.
        var (final, events) = Run(model, poll: 1);
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(
        [
            "Select g1 1 1 2 1 (m0 p0)",
            $"ChanSend g1 1 {V(1, 1)} 0 {ChanContract.Pack(1, 0, 0)} (m0 p0)",
            "Select g1 1 2 2 1 (m0 p0)",
        ], ChanEvents(events));
        // The default's yield: mcall from op 10 (select 5, cases 6, 8, 9; 7 is case 6's yield, 10 the default's) in
        // main's frame (rsp = hi - 64, rbp = hi - 48); the case 6 yield never runs.
        Assert.Single(events, "GobufSave g1 64 26 48 0 (m0 p0)");
        Assert.DoesNotContain("GobufSave g1 64 23 48 0 (m0 p0)", events);
        Assert.Equal([V(1, 1)], final.Channels[1].Queued());
        Assert.Empty(final.Channels[0].Receivers);
    }

    private const string Race = """
        chan c1 0
        chan c2 0
        main {
          go sender
          select {
            recv c1
            recv c2
          }
          recv c2
        }
        sender {
          send c1
          send c2
        }
        """;

    [Fact]
    public void Two_sends_to_a_select_waiting_on_both_the_second_sees_the_stale_sudog_and_blocks()
    {
        var model = Make(Race);
        var (final, events) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(
        [
            // main's select: nothing ready (Select B = -1), pass 2 queues a sudog per case in lock order (c1, c2).
            "Select g1 0 -1 2 0 (m0 p0)",
            "ChanEnqueue g1 0 1 1 0 (m0 p0)",
            "ChanEnqueue g1 1 1 1 1 (m0 p0)",
            "GoBlockSelect g1 2 0 0 0 (m0 p0)",
            // sender: send c1 wins the select (selectDone := 1) and hands g2#1 over directly.
            $"ChanSend g2 0 {V(2, 1)} 1 0 (m0 p0)",
            "GoUnblock g1 2 0 1 0 (m0 p0)",
            // send c2: main's sudog on c2 is stale; the dequeue drops it and the sender parks.
            "ChanDequeueStale g2 1 1 1 0 (m0 p0)",
            "ChanEnqueue g2 1 0 1 -1 (m0 p0)",
            "GoBlockSend g2 1 0 0 0 (m0 p0)",
            // main's pass 3: case 0 woke it, nothing left to take off (the stale sudog is gone), success.
            "SelectWoken g1 0 0 1 0 (m0 p0)",
            $"ChanRecv g1 1 {V(2, 2)} 1 0 (m0 p0)",
            "GoUnblock g2 1 1 1 0 (m0 p0)",
            $"ChanWoken g2 1 {V(2, 2)} 1 0 (m0 p0)",
        ], ChanEvents(events));
    }

    [Fact]
    public void The_second_send_buffers_when_the_other_channel_has_room()
    {
        var model = Make(Race.Replace("chan c2 0", "chan c2 1"));
        var (s, events) = StepUntil(model, s => s.AllGs.Count == 2 && s.AllGs[1].Status == GStatus.Dead);
        Assert.Equal(
        [
            "Select g1 0 -1 2 0 (m0 p0)",
            "ChanEnqueue g1 0 1 1 0 (m0 p0)",
            "ChanEnqueue g1 1 1 1 1 (m0 p0)",
            "GoBlockSelect g1 2 0 0 0 (m0 p0)",
            $"ChanSend g2 0 {V(2, 1)} 1 0 (m0 p0)",
            "GoUnblock g1 2 0 1 0 (m0 p0)",
            "ChanDequeueStale g2 1 1 1 0 (m0 p0)",
            $"ChanSend g2 1 {V(2, 2)} 0 {ChanContract.Pack(1, 0, 0)} (m0 p0)",
        ], ChanEvents(events));
        var main = s.AllGs[0];
        Assert.True(main.SelectDone);               // still on its way to pass 3
        Assert.Equal((0, true), (main.WakeCase, main.WakeSuccess));
        Assert.Equal(V(2, 1), main.RecvSlot);
        Assert.Empty(s.Channels[1].Receivers);
        Assert.Empty(Failing(model, s));
    }

    [Fact]
    public void Pass_three_takes_the_other_sudogs_off_their_queues()
    {
        var model = Make("""
            chan c1 0
            chan c2 0
            main {
              go sender
              select {
                recv c1
                recv c2 { yield }
              }
            }
            sender {
              send c2
            }
            """);
        var (s, events) = StepUntil(model, s => s.AllGs.Count > 0 && s.AllGs[0].Status == GStatus.Running && s.AllGs[0].After == 3);
        // The woken select still had its sudog on c1's recvq: pass 3 takes it off (B = 1); case 1's block is next.
        Assert.Equal("SelectWoken g1 1 1 1 0 (m0 p0)", ChanEvents(events)[^1]);
        Assert.Empty(s.Channels[0].Receivers);
        Assert.False(s.AllGs[0].SelectDone);
        Assert.Equal(V(2, 1), s.AllGs[0].RecvSlot);
        Assert.Empty(Failing(model, s));
        var (final, all) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Single(all, e => e.StartsWith("GoSched g1")); // the case's yield ran
    }

    [Fact]
    public void The_poll_order_is_the_run_actions_choice()
    {
        var model = Make("""
            chan a 1
            chan b 1
            main {
              send a
              send b
              select {
                recv a
                recv b
              }
            }
            """);
        var (s, _) = StepUntil(model, s => s.Channels[1].QCount == 1);
        var actions = model.Actions(s);
        Assert.Equal([new SchedAction(SchedActionKind.Run, 0, 0), new SchedAction(SchedActionKind.Run, 0, 1)], actions);
        Assert.Equal("Run(m0, poll 1)", actions[1].ToString());
        // Code 0 is the order [1, 0]: b first; code 1 is [0, 1]: a first.
        var (_, e0) = model.Step(s, actions[0]);
        Assert.Equal(["Select g1 0 1 2 0 (m0 p0)", $"ChanRecv g1 1 {V(1, 2)} 0 {ChanContract.Pack(0, 0, 0)} (m0 p0)"],
            ChanEvents(e0.Select(e => e.ToString())));
        var (_, e1) = model.Step(s, actions[1]);
        Assert.Equal(["Select g1 1 0 2 0 (m0 p0)", $"ChanRecv g1 0 {V(1, 1)} 0 {ChanContract.Pack(0, 0, 0)} (m0 p0)"],
            ChanEvents(e1.Select(e => e.ToString())));
        Assert.Throws<InvalidOperationException>(() => model.RunToCompletion());
        Assert.Equal(Outcome.Completed, model.RunToCompletion((n, _) => n - 1).Final.Outcome);
    }

    [Fact]
    public void Pass_two_queues_in_Gos_lock_order()
    {
        // Cases 0: b (channel 1), 1: a (channel 0), 2: b. Code 5 = draws (0, 1, 2): poll order [0, 1, 2]. Go's heap
        // sort gives the lock order [1, 2, 0]: a, then b's two cases with case 2 before case 0.
        var model = Make("chan a 0\nchan b 0\nmain {\n  select {\n    recv b\n    recv a\n    recv b\n  }\n}");
        var (final, events) = Run(model, poll: 5);
        Assert.Equal(Throw.Deadlock, final.Fatal);
        Assert.Equal(
        [
            "Select g1 5 -1 3 0 (m0 p0)",
            "ChanEnqueue g1 0 1 1 1 (m0 p0)",
            "ChanEnqueue g1 1 1 1 2 (m0 p0)",
            "ChanEnqueue g1 1 1 2 0 (m0 p0)",
            "GoBlockSelect g1 3 0 0 0 (m0 p0)",
        ], ChanEvents(events));
        Assert.Equal([new Sudog(0, 2), new Sudog(0, 0)], final.Channels[1].Receivers);
        Assert.Equal(WaitReason.Select, final.AllGs[0].WaitReason);
        Assert.Equal("select b, a", final.BlockedOn(final.AllGs[0]));
        Assert.Empty(Failing(model, final));
    }

    [Fact]
    public void Select_with_no_cases_and_selects_of_nil_channels_park_for_good()
    {
        var (none, e1) = Run(Make("main {\n  select {\n  }\n}"));
        Assert.Equal(Throw.Deadlock, none.Fatal);
        Assert.Equal(WaitReason.SelectNoCases, none.AllGs[0].WaitReason);
        Assert.Equal("select (no cases)", none.BlockedOn(none.AllGs[0]));
        Assert.Equal(["GoStop g1 0 -1 0 0 (m0 p0)"], ChanEvents(e1));

        var (nils, e2) = Run(Make("chan n nil\nchan m nil\nmain {\n  select {\n    recv n\n    send m\n  }\n}"));
        Assert.Equal(Throw.Deadlock, nils.Fatal);
        Assert.Equal(WaitReason.Select, nils.AllGs[0].WaitReason);
        Assert.Equal("select", nils.BlockedOn(nils.AllGs[0]));
        // selectgo, not block(): Go 1.19's trace shows GoBlockSelect here (vs-go), with no channel to wait on.
        Assert.Equal(["Select g1 0 -1 0 0 (m0 p0)", "GoBlockSelect g1 0 0 0 0 (m0 p0)"], ChanEvents(e2));
    }

    [Fact]
    public void A_single_case_select_is_the_plain_op_then_its_block()
    {
        var model = Make("chan c 0\nmain {\n  go s\n  select {\n    recv c { yield }\n  }\n}\ns {\n  send c\n}");
        var (final, events) = Run(model);
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(
        [
            "Select g1 0 0 1 0 (m0 p0)",
            "ChanEnqueue g1 0 1 1 -1 (m0 p0)",
            "GoBlockRecv g1 0 0 0 0 (m0 p0)",
            $"ChanSend g2 0 {V(2, 1)} 1 0 (m0 p0)",
            "GoUnblock g1 2 0 1 0 (m0 p0)",
            $"ChanWoken g1 0 {V(2, 1)} 1 1 (m0 p0)",
        ], ChanEvents(events));
        Assert.Single(events, e => e.StartsWith("GoSched g1"));
    }

    [Fact]
    public void A_select_send_case_on_a_closed_channel_panics_once_the_poll_order_reaches_it()
    {
        const string text = "chan c 0\nchan d 1\nmain {\n  close c\n  send d\n  select {\n    send c\n    recv d\n  }\n}";
        // Order [1, 0] (code 0): recv d is ready and wins before the closed channel is looked at.
        var (ok, _) = Run(Make(text), poll: 0);
        Assert.Equal(Outcome.Completed, ok.Outcome);
        // Order [0, 1] (code 1): the closed channel's send case comes first and panics.
        var (bad, events) = Run(Make(text), poll: 1);
        Assert.Equal(Throw.SendOnClosed, bad.Fatal);
        Assert.Equal("Select g1 1 0 2 0 (m0 p0)", ChanEvents(events)[^1]);
    }

    [Fact]
    public void The_non_blocking_forms_take_the_case_or_the_default()
    {
        var (final, events) = Run(Make("chan c 1\nmain {\n  select {\n    recv c\n    default\n  }\n  select {\n    send c\n    default\n  }\n  select {\n    send c\n    default\n  }\n}"));
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(
        [
            "Select g1 0 1 1 1 (m0 p0)",
            "Select g1 0 0 1 1 (m0 p0)",
            $"ChanSend g1 0 {V(1, 1)} 0 {ChanContract.Pack(1, 0, 0)} (m0 p0)",
            "Select g1 0 1 1 1 (m0 p0)",
        ], ChanEvents(events));
    }

    [Fact]
    public void Lock_order_is_Gos_heap_sort_by_channel()
    {
        var model = Make("chan a 0\nchan b 0\nchan c 0\nmain {\n  select {\n    recv c\n    recv a\n    send b\n    recv a\n  }\n}");
        var info = Compiled(model).Selects[0];
        Assert.Equal([0, 1, 2, 3], info.PollCases);
        Span<int> lockorder = stackalloc int[4];
        Stepper.LockOrder(info, [0, 1, 2, 3], lockorder);
        // By channel a (cases 1 and 3), b (case 2), c (case 0); the heap sort, run by hand as Go writes it, leaves
        // a's two cases as [1, 3].
        Assert.Equal([1, 3, 2, 0], lockorder.ToArray());
        Stepper.LockOrder(info, [3, 2, 1, 0], lockorder);
        Assert.Equal([3, 1, 2, 0], lockorder.ToArray());
    }

    [Fact]
    public void Selects_are_numbered_in_pre_order_body_by_body()
    {
        var model = Make("""
            chan c 0
            main {
              go w
              select {
                recv c { select { default } }
                default
              }
            }
            w {
              select { }
            }
            """);
        var code = Compiled(model);
        Assert.Equal([(0, 1), (0, 3), (1, 0)], code.Selects.Select(s => (s.Body, s.Ordinal)));
        Assert.Equal([0, 1, 2], code.Selects.Select(s => s.Number));
        Assert.Equal([SelectKind.NonBlocking, SelectKind.Selectgo, SelectKind.Block], code.Selects.Select(s => s.Kind));
    }

    private static CompiledWorkload Compiled(SchedModel model) => model.Blank().Code;

    [Fact]
    public void A_select_race_on_two_Ps_is_explored_exhaustively_with_every_invariant_holding()
    {
        var model = new SchedModel(WorkloadParser.Parse("""
            chan c1 0
            chan c2 1
            main {
              go a
              go b
              repeat 2 {
                select {
                  recv c1
                  recv c2 { yield }
                }
              }
            }
            a { send c1 }
            b { send c2 }
            """), new SchedConfig { Procs = 2 });
        var r = new BfsChecker<SchedState, SchedAction>(model).Run();
        Assert.True(r.Exhausted);
        Assert.Empty(r.Violations);
        Assert.True(r.TerminalStates > 0);
        Assert.Equal(0, r.Deadlocks);
        Assert.Equal(ExpectedRaceStates, r.Distinct);
    }

    /// <summary>The state count of the two-P select race (pinned: a change in it is a change of the model).</summary>
    private const long ExpectedRaceStates = 1504;
}
