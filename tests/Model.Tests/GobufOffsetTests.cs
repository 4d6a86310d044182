using Model.Checking;
using Model.Workload;

namespace Model.Tests;

/// <summary>
/// The model's gobufs are exact: each kind of save pins sp and bp as bytes below stack.hi, computed from the frame
/// ABI (Model/Contract/FrameAbi.cs) the workload compiler emits. The workload below has a frame with a repeat slot
/// and a nested call, so alignment and repeat slots both count:
/// <code>
/// main (ops: 0 go, 1 repeat, 2 yield, 3 call, 4 repeat, 5 syscall, 6 acquire, 7 exit)
///   body frame F = align16(8 × 1 repeat slot) = 16     rbp = hi-48, rsp = hi-64
///   call 100: CALL + push rbp                          rbp = hi-80
///             F = align16(100) + align16(8 × 1) = 128  rsp = hi-208
/// </code>
/// </summary>
public class GobufOffsetTests
{
    private const string Text = """
        main {
          go w
          repeat 2 { yield }
          call 100 {
            repeat 1 { syscall 1 }
            acquire s
            exit
          }
        }
        w { yield; release s }
        """;

    private static SchedModel Model(SchedConfig? cfg = null) => new(WorkloadParser.Parse(Text), cfg);

    private static List<SchedEvent> Saves(IEnumerable<SchedEvent> events) => events.Where(e => e.Kind == EventKind.GobufSave).ToList();

    /// <summary>Steps from the initial state, taking <paramref name="pick"/>'s choice among the enabled actions.</summary>
    private static (SchedState Final, List<SchedEvent> Events) Walk(SchedModel model, Func<List<SchedAction>, SchedAction> pick)
    {
        var s = model.Initial();
        var events = new List<SchedEvent>();
        for (var i = 0; i < 1000; i++)
        {
            var enabled = model.Actions(s);
            if (enabled.Count == 0) break;
            (s, var step) = model.Step(s, pick(enabled));
            events.AddRange(step);
        }
        return (s, events);
    }

    [Fact]
    public void The_compiled_workload_gives_each_op_its_functions_rsp_and_rbp()
    {
        var code = new CompiledWorkload(WorkloadParser.Parse(Text)).Bodies[0];
        Assert.Equal([64, 64, 64, 64, 208, 208, 208, 208], code.SpOffset);
        Assert.Equal([48, 48, 48, 48, 80, 80, 80, 80], code.BpOffset);
        Assert.Equal(128, code.CalleeFrame[3]);
        Assert.Equal(16, code.EntryFrame);
    }

    [Fact]
    public void Newproc1_leaves_sp_at_hi_minus_40_bp_0_and_gogo_loads_them()
    {
        var model = Model();
        var (booted, _) = model.Step(model.Initial(), new SchedAction(SchedActionKind.Run, 0));
        var main = booted.AllGs[0].Sched;
        Assert.Equal((FrameAbi.TopBytes, 0, AbstractPc.Entry, 0L, 0L), (main.Sp, main.Bp, main.Pc, main.Ret, main.Lr));
        var (_, events) = model.Step(booted, new SchedAction(SchedActionKind.Schedule, 0));
        var load = Assert.Single(events, e => e.Kind == EventKind.GobufLoad);
        Assert.Equal((AbstractPc.Entry.Code, 40L, 0L), (load.A, load.B, load.C));
    }

    [Fact]
    public void Mcall_from_a_yield_saves_the_bodys_rsp_and_rbp()
    {
        var (_, events, _) = OneP();
        var yield = Saves(events)[0];
        Assert.Equal((1L, 64L, AbstractPc.At(2).Code, 48L), (yield.G, yield.A, yield.B, yield.C));
    }

    [Fact]
    public void Reentersyscall_saves_what_systemstack_saved_the_callers_rsp_plus_16()
    {
        var (_, events, _) = OneP();
        var save = Saves(events).Single(e => e.G == 1 && e.B == AbstractPc.At(5).Code);
        Assert.Equal((208L + 16, 208L + 16, -1L), (save.A, save.C, save.D));
    }

    [Fact]
    public void In_the_syscall_sched_sp_is_syscallsp_and_bp_the_frames_rbp()
    {
        var model = Model();
        var s = model.Initial();
        while (s.AllGs.Count == 0 || s.AllGs[0].Status != GStatus.Syscall) s = model.Step(s, model.Actions(s)[0]).Next;
        var g = s.AllGs[0];
        Assert.Equal((224, 224, 80, AbstractPc.At(5)), (g.SyscallSp, g.Sched.Sp, g.Sched.Bp, g.Sched.Pc));
    }

    [Fact]
    public void Mcall_from_park_and_from_an_exit_op_save_the_calls_rsp_and_rbp()
    {
        var (_, events, _) = OneP();
        var saves = Saves(events);
        var park = saves.Single(e => e.G == 1 && e.B == AbstractPc.At(6).Code);
        var exit = saves.Single(e => e.G == 1 && e.B == AbstractPc.At(7).Code);
        Assert.Equal((208L, 80L), (park.A, park.C));
        Assert.Equal((208L, 80L), (exit.A, exit.C));
    }

    [Fact]
    public void Returning_into_goexit_saves_sp_hi_minus_32_and_bp_0()
    {
        var (_, events, _) = OneP();
        var end = Saves(events).Single(e => e.G == 2 && e.B == AbstractPc.GoExit.Code);
        Assert.Equal((32L, AbstractPc.GoExit.Code, 0L), (end.A, end.B, end.C));
    }

    [Fact]
    public void Exitsyscall0_after_a_retake_saves_the_syscall_ops_rsp_and_rbp()
    {
        // Sysmon retakes P0 while main is in its syscall; M0 then finds no P and takes the slow path.
        var (_, events) = Walk(Model(new SchedConfig { Sysmon = true }), enabled =>
            enabled.FirstOrDefault(a => a.Kind == SchedActionKind.Retake) is { Kind: SchedActionKind.Retake } r
                ? r
                : enabled.FirstOrDefault(a => a.Kind == SchedActionKind.ExitSyscall) is { Kind: SchedActionKind.ExitSyscall } x ? x : enabled[0]);
        var slow = events.IndexOf(events.First(e => e.Kind == EventKind.GoSysExit && e.A == 0));
        var save = events.Take(slow).Last(e => e.Kind == EventKind.GobufSave);
        Assert.Equal((208L, AbstractPc.At(5).Code, 80L), (save.A, save.B, save.C));
    }

    [Fact]
    public void Systemstack_saves_the_callers_rsp_plus_16_and_its_return_clears_sp_and_bp()
    {
        var t = new TestStates(text: Text);
        var g = t.NewG(GStatus.Running);
        Stepper.SystemstackSave(t.Cx, g, 6); // the acquire inside the call
        Assert.Equal((208 + 16, AbstractPc.SystemstackSwitch, 208 + 16), (g.Sched.Sp, g.Sched.Pc, g.Sched.Bp));
        Stepper.SystemstackReturn(g);
        Assert.Equal((0, AbstractPc.SystemstackSwitch, 0), (g.Sched.Sp, g.Sched.Pc, g.Sched.Bp));
    }

    [Fact]
    public void Morestack_saves_the_callees_entry_sp_and_the_callers_rbp_and_follows_the_native_check()
    {
        // The native prologue of the call's function (Native/StackCheck.cs) compares
        // entry sp + (8 + F − StackSmall) = 72 + (8 + 128 − 128) = 80 bytes below hi against size − guard.
        var fits = Model(new SchedConfig { GrowStacks = false, StackBytes = 2048, StackGuardBytes = 2048 - 81 }).RunToCompletion().Final;
        Assert.NotEqual(Throw.StackOverflow, fits.Fatal);
        var (final, _, events) = Model(new SchedConfig { GrowStacks = false, StackBytes = 2048, StackGuardBytes = 2048 - 80 }).RunToCompletion();
        Assert.Equal(Throw.StackOverflow, final.Fatal);
        var save = Saves(events)[^1];
        Assert.Equal((64L + 8, AbstractPc.At(3).Code, 48L), (save.A, save.B, save.C));
    }

    [Theory]
    [InlineData(48, 48, 0)]
    [InlineData(2032, 2040, 2048)]     // the last one-byte offset, then the escape
    [InlineData(65528, 4099, 7)]       // deep, and not a multiple of 8
    public void Every_offset_survives_the_state_encoding(int sp, int bp, int syscallsp)
    {
        var t = new TestStates(text: Text);
        var g = t.NewG(GStatus.Syscall);
        g.Sched.Sp = sp;
        g.Sched.Bp = bp;
        g.SyscallSp = syscallsp;
        g.Sched.Ret = 5;
        IModel<SchedState, SchedAction> model = t.Model;
        var buffer = new byte[16];
        var n = model.Encode(t.State, ref buffer);
        var back = model.NewScratch();
        model.Decode(buffer.AsSpan(0, n), back);
        Assert.Equal(g.Sched, back.AllGs[0].Sched);
        Assert.Equal(syscallsp, back.AllGs[0].SyscallSp);
    }

    /// <summary>One P, no sysmon: main starts w and yields twice (w yields too), syscalls (fast path) and parks on s;
    /// w releases it and returns into goexit; main exits from inside the call.</summary>
    private static (SchedState Final, IReadOnlyList<SchedEvent> Events, IReadOnlyList<SchedAction> Actions) OneP()
    {
        var (final, actions, events) = Model().RunToCompletion();
        Assert.Equal(Outcome.Completed, final.Outcome);
        return (final, events, actions);
    }
}
