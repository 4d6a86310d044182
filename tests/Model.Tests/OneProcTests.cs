using Model.Workload;

namespace Model.Tests;

/// <summary>With one P and sysmon off the model is deterministic and predicts the exact event sequence.</summary>
public class OneProcTests
{
    private static SchedModel Model(string text, SchedConfig? cfg = null) => new(WorkloadParser.Parse(text), cfg);

    [Fact]
    public void Go_yield_acquire_release_produce_this_exact_event_sequence()
    {
        var model = Model("""
            main {
              go worker
              yield
              acquire done
            }
            worker {
              release done
            }
            """);
        var (final, actions, events) = model.RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal(13, actions.Count);
        // op ordinals: main: 0 go, 1 yield, 2 acquire; worker: 0 release. Pc codes: 1 goexit+1, 2 entry, 16+ordinal.
        // sp and bp are bytes below stack.hi: a new g starts at sp 40 (newproc1's 32 + goexit+1), bp 0; in a body
        // without repeats rbp = 48 (the pushed zero rbp) and rsp = 48 (frame 0); back in goexit+1, sp = 32.
        string[] expected =
        [
            // rt0_go: M0 acquires P0, newproc(main): a fresh g (E2), its goid 1 (E3), into runnext.
            "PStatus p0 0->1 (m0 p0)",
            "Status g0 _Gidle->_Gdead E2 (m0 p0)",
            "Status g1 _Gdead->_Grunnable E3 (m0 p0)",
            "GoCreate g0 1 0 2048 0 (m0 p0)",
            "RunnextPut g1 0 0 0 0 (m0 p0)",
            // schedule: runnext, inheritTime = 1 (schedtick stays 0); gogo to the entry.
            "RunqGet g1 0 0 1 0 (m0 p0)",
            "Status g1 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g1 1 0 0 0 (m0 p0)",
            "GobufLoad g1 2 40 0 0 (m0 p0)",
            // go worker: goid 2 into runnext (wakep finds no idle P).
            "Status g0 _Gidle->_Gdead E2 (m0 p0)",
            "Status g2 _Gdead->_Grunnable E3 (m0 p0)",
            "GoCreate g1 2 1 2048 0 (m0 p0)",
            "RunnextPut g2 0 0 0 0 (m0 p0)",
            // yield: mcall saves the body's rsp and rbp, pc = op 1; E7; global queue.
            "GobufSave g1 48 17 48 0 (m0 p0)",
            "Status g1 _Grunning->_Grunnable E7 (m0 p0)",
            "GoSched g1 0 0 0 0 (m0 p0)",
            "GlobRunqPut g1 1 0 0 0 (m0 p0)",
            // schedtick 0 % 61 == 0 with a non-empty global queue: main again, before worker in runnext.
            "GlobRunqGet g1 1 0 0 0 (m0 p0)",
            "Status g1 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g1 0 0 0 0 (m0 p0)",
            "GobufLoad g1 17 48 48 0 (m0 p0)",
            // acquire done with count 0: park.
            "GobufSave g1 48 18 48 0 (m0 p0)",
            "Status g1 _Grunning->_Gwaiting E5 (m0 p0)",
            "GoBlock g1 0 0 0 0 (m0 p0)",
            "RunqGet g2 0 0 1 0 (m0 p0)",
            "Status g2 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g2 1 0 0 0 (m0 p0)",
            "GobufLoad g2 2 40 0 0 (m0 p0)",
            // release done (semrelease1, handoff = false): the count goes up, then main is readied into runnext.
            "SemCount g2 0 1 0 0 (m0 p0)",
            "Status g1 _Gwaiting->_Grunnable E6 (m0 p0)",
            "GoUnblock g1 2 0 0 0 (m0 p0)",
            "RunnextPut g1 0 0 0 0 (m0 p0)",
            // worker returns into goexit+1: sp = hi - 32, pc = goexit+1, bp = 0 (restored by the body's epilogue).
            "GobufSave g2 32 1 0 0 (m0 p0)",
            "Status g2 _Grunning->_Gdead E8 (m0 p0)",
            "GoEnd g2 0 0 0 0 (m0 p0)",
            "GfPut g2 1 0 0 0 (m0 p0)",
            "RunqGet g1 0 0 1 0 (m0 p0)",
            "Status g1 _Grunnable->_Grunning E4 (m0 p0)",
            "GoStart g1 1 0 0 0 (m0 p0)",
            "GobufLoad g1 18 48 48 0 (m0 p0)",
            // main was given no ticket: semacquire1 loops back and wins cansemacquire (count 1 -> 0).
            "SemCount g1 0 0 0 0 (m0 p0)",
            "GobufSave g1 32 1 0 0 (m0 p0)",
            "Status g1 _Grunning->_Gdead E8 (m0 p0)",
            "GoEnd g1 0 0 0 0 (m0 p0)",
            "GfPut g1 2 0 0 0 (m0 p0)",
            // nothing left: releasep, pidleput, stopm, checkdead finds every g dead.
            "PStatus p0 1->0 (m0 p0)",
        ];
        Assert.Equal(expected, events.Select(e => e.ToString()));
    }

    [Fact]
    public void A_reused_g_comes_from_gfget_with_a_new_goid()
    {
        var (final, _, events) = Model("main { go a; acquire s; go a }\na { release s }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        var gfget = Assert.Single(events, e => e.Kind == EventKind.GfGet);
        Assert.Equal(2, gfget.G);
        Assert.Equal(0, gfget.A);
        Assert.Contains(events, e => e.Kind == EventKind.GoCreate && e.A == 3);
        Assert.Equal(2, final.AllGs.Count);
    }

    [Fact]
    public void A_syscall_takes_the_fast_path_with_one_P_and_no_sysmon()
    {
        var (final, _, events) = Model("main { syscall 20 }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        var tail = events.SkipWhile(e => e.Kind != EventKind.GobufSave).Take(8).Select(e => e.ToString());
        Assert.Equal(
        [
            // save(pc, sp) after systemstack's switch: the body's rsp 48 + its CALL's return address + the stub's rbp.
            "GobufSave g1 64 16 64 -1 (m0 p0)", // D = -1: the save at entersyscall, as the runtime marks it
            "Status g1 _Grunning->_Gsyscall E9 (m0 p0)",
            "GoSysCall g1 0 0 0 0 (m0 p0)",
            "PStatus p0 1->2 (m0 p0)",
            "PStatus p0 2->0 (m0 p0)",
            "PStatus p0 0->1 (m0 p0)",
            "Status g1 _Gsyscall->_Grunning E10 (m0 p0)",
            "GoSysExit g1 1 0 0 0 (m0 p0)",
        ], tail);
    }

    [Fact]
    public void Every_g_waiting_is_Gos_deadlock()
    {
        var (final, _, events) = Model("main {\n  go waiter\n  acquire never\n}\nwaiter {\n  acquire never\n}").RunToCompletion();
        Assert.Equal(Outcome.Fatal, final.Outcome);
        Assert.Equal("all goroutines are asleep - deadlock!", final.Fatal.Message());
        Assert.Equal([0, 1], final.SemaphoreWaiters(0));
        Assert.Equal(EventKind.PStatus, events[^1].Kind);
    }

    [Fact]
    public void Exit_from_nested_frames_ends_the_g_with_the_exit_ops_pc()
    {
        var model = Model("main {\n  go deep\n  yield\n}\ndeep {\n  call 128 { call 512 { yield; exit } }\n  yield\n}");
        var (final, _, events) = model.RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        // deep: 0 call, 1 call, 2 yield, 3 exit, 4 yield. The body's rsp is 48; call 128: rbp 64, rsp 192; call 512:
        // rbp 208, rsp 720. The exit op mcalls from there: sp 720, bp 208, pc 16+3.
        var end = events.SkipWhile(e => !(e.Kind == EventKind.Status && e.G == 2 && e.C == 8)).First();
        var save = events[events.ToList().IndexOf(end) - 1];
        Assert.Equal(new SchedEvent(EventKind.GobufSave, 0, 0, 2, 720, 19, 208), save);
        Assert.DoesNotContain(events, e => e.Kind == EventKind.GobufLoad && e.G == 2 && e.A == 16 + 4);
    }

    [Fact]
    public void A_frame_that_does_not_fit_grows_the_stack_through_E12_and_E13()
    {
        var (final, _, events) = Model("main { call 4096 { yield } }").RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        var grow = events.SkipWhile(e => !(e.Kind == EventKind.GobufSave)).Take(6).Select(e => e.ToString());
        Assert.Equal(
        [
            // morestack: the callee's entry sp (the body's 48 + the return address), the caller's rbp, pc = the call;
            // m.morebuf = the caller's sp (48, above the return address) and pc (in the call op), and the g.
            "GobufSave g1 56 16 48 0 (m0 p0)",
            "Morebuf g1 48 16 1 0 (m0 p0)",
            "Status g1 _Grunning->_Gcopystack E12 (m0 p0)",
            "StackGrow g1 2048 8192 0 0 (m0 p0)",
            "Status g1 _Gcopystack->_Grunning E13 (m0 p0)",
            "GobufLoad g1 16 56 48 0 (m0 p0)",
        ], grow);
        // The prologue compares 56 + (8 + 4096 − StackSmall 128) = 4032 bytes below hi against the 928 guard:
        // 2048 and 4096 are too small, 8192 fits. gfput frees a grown stack.
        Assert.Equal(0, final.AllGs[0].StackSize);
    }

    [Fact]
    public void Coloured_stacks_give_each_fresh_g_the_runtimes_usable_size_and_gfput_keeps_it()
    {
        var cfg = new SchedConfig { GrowStacks = false, StackBytes = 65536, ColourStacks = true };
        var (final, _, _) = Model("main { go a; go a }\na { }", cfg).RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        Assert.Equal([65536, 65536 - 64, 65536 - 128], final.AllGs.Select(g => g.StackSize));
        Assert.Empty(final.GFreeNoStackSlots);
    }

    [Fact]
    public void Fixed_stacks_report_the_overflow_in_Gos_words()
    {
        var w = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workloads", "overflow.wl"));
        var (final, _, _) = Model(w, new SchedConfig { GrowStacks = false, StackBytes = 65536 }).RunToCompletion();
        Assert.Equal(Outcome.Fatal, final.Outcome);
        Assert.Equal("stack overflow", final.Fatal.Message());
        // overflow.wl's frame would need a stack above maxstacksize: growing stacks overflow too.
        var (grown, _, _) = Model(w).RunToCompletion();
        Assert.Equal(Outcome.Fatal, grown.Outcome);
        Assert.Equal("stack overflow", grown.Fatal.Message());
        // Frames that overflow 64 KiB fixed stacks complete when the stack grows.
        const string deep = "main { call 16384 { call 16384 { call 16384 { call 16384 { call 16384 { yield } } } } } }";
        Assert.Equal(Outcome.Fatal, Model(deep, new SchedConfig { GrowStacks = false, StackBytes = 65536 }).RunToCompletion().Final.Outcome);
        Assert.Equal(Outcome.Completed, Model(deep).RunToCompletion().Final.Outcome);
    }

    [Fact]
    public void Three_hundred_goroutines_spill_129_to_the_global_queue()
    {
        var w = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workloads", "spill.wl"));
        var (final, _, events) = Model(w).RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        var spill = events.Where(e => e.Kind == EventKind.RunqPutSlow).ToList();
        Assert.NotEmpty(spill);
        Assert.All(spill, e => Assert.Equal(129, e.A));
        Assert.Equal(301, events.Count(e => e.Kind == EventKind.GoEnd));
    }

    [Theory]
    [InlineData("example.wl")]
    [InlineData("exit-depth.wl")]
    [InlineData("pingpong.wl")]
    [InlineData("spill.wl")]
    [InlineData("deadlock.wl")]
    public void Sample_workloads_run_deterministically_with_every_invariant_holding(string file)
    {
        var w = WorkloadParser.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workloads", file)));
        var model = new SchedModel(w);
        var s = model.Initial();
        var steps = 0;
        while (model.Actions(s) is [var only])
        {
            s = model.Step(s, only).Next;
            Assert.Equal(0ul, SchedInvariants.Failing(s, model.Config));
            steps++;
        }
        Assert.Empty(model.Actions(s));
        Assert.True(steps > 5);
        Assert.True(s.Outcome == Outcome.Completed || s.Fatal == Throw.Deadlock);
    }
}
