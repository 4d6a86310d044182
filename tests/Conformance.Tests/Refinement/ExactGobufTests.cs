using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation;
using Implementation.Trace;
using Model;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>
/// Saved sp and bp are compared exactly: the runtime's raw value v maps to stack.hi − v of the same g, and must equal
/// the model's offset. A save 8 bytes off (still inside the stack, which the old region check accepted) is rejected
/// with a message naming the field, both values and the Go function that wrote it.
/// </summary>
[Collection("native runtime")]
public class ExactGobufTests
{
    private const string Text = "main {\n  go w\n  repeat 2 { yield }\n  call 100 { syscall 1 }\n}\nw { call 64 { yield } }";

    private static (RunSpec Spec, RunResult Run) RunNative(int procs = 1)
    {
        var spec = RunSpec.Of(WorkloadParser.Parse(Text), procs, seed: 3);
        return (spec, GoRuntime.Run(spec.Workload, Conformer.OptionsFor(spec)));
    }

    [Fact]
    public void The_real_runtimes_saves_and_loads_equal_the_models_offsets()
    {
        var (spec, run) = RunNative();
        var r = Conformer.Judge(spec, run);
        Assert.True(r.Conforms, r.Verdict);
        Assert.Contains(r.Trace, e => e.Kind == EventKind.GobufSave && e.D == (long)McallReason.Gosched);
        Assert.Contains(r.Trace, e => e.Kind == EventKind.GobufSave && e.D == -1);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(-8)]
    public void A_mcall_save_8_bytes_off_is_rejected_naming_sched_sp_and_its_writer(int delta)
    {
        var (spec, run) = RunNative();
        var trace = run.Trace!.ToArray();
        var i = Array.FindIndex(trace, e => e.Kind == EventKind.GobufSave && e.D == (long)McallReason.Gosched);
        var good = trace[i];
        trace[i] = good with { A = good.A + delta };
        var r = Conformer.Judge(spec, run with { Trace = trace });
        var v = Assert.IsType<Violation>(r.Violation);
        Assert.Equal(i, v.EventIndex);
        var hi = trace.First(e => e.Kind == EventKind.GoCreate && e.A == good.G).D;
        Assert.Contains("sched.sp (written by runtime.mcall (gosched_m))", v.Message);
        Assert.Contains($"the model has hi-{hi - good.A} (0x{good.A:x})", v.Message);
        Assert.Contains($"the runtime hi-{hi - good.A - delta} (0x{good.A + delta:x})", v.Message);
    }

    [Fact]
    public void An_entersyscall_bp_8_bytes_off_is_rejected_naming_sched_bp()
    {
        var (spec, run) = RunNative();
        var trace = run.Trace!.ToArray();
        var i = Array.FindIndex(trace, e => e.Kind == EventKind.GobufSave && e.D == -1);
        trace[i] = trace[i] with { C = trace[i].C - 8 };
        var v = Conformer.Judge(spec, run with { Trace = trace }).Violation;
        Assert.NotNull(v);
        Assert.Equal(i, v.EventIndex);
        Assert.Contains("sched.bp (written by runtime.reentersyscall's save(pc, sp)", v.Message);
    }

    [Fact]
    public void A_gogo_that_loads_an_sp_8_bytes_off_is_rejected()
    {
        var (spec, run) = RunNative();
        var trace = run.Trace!.ToArray();
        var i = Array.FindLastIndex(trace, e => e.Kind == EventKind.GobufLoad && e.B != 0);
        trace[i] = trace[i] with { B = trace[i].B + 8 };
        var v = Conformer.Judge(spec, run with { Trace = trace }).Violation;
        Assert.NotNull(v);
        Assert.Equal(i, v.EventIndex);
        Assert.Contains("sched.sp loaded (written by runtime.gogo", v.Message);
    }

    [Fact]
    public void Offsets_are_taken_from_each_gs_own_stack_hi()
    {
        var (_, run) = RunNative();
        var creates = run.Trace!.Where(e => e.Kind == EventKind.GoCreate).ToList();
        // The runtime colours each fresh g's stack.hi down by a different multiple of 64: the two his differ in
        // their low bits, so a single hi for every g would be wrong for one of them.
        Assert.Equal(2, creates.Count);
        Assert.NotEqual(creates[0].D & 0xffff, creates[1].D & 0xffff);
        var abs = Abstraction.Native(run.Symbols);
        foreach (var c in creates) abs.Observe(c);
        foreach (var c in creates) Assert.Equal(40, abs.StackOffset(c.D - 40, c.A));
        Assert.Equal(0, abs.StackOffset(0, creates[0].A));
        Assert.Null(abs.StackOffset(0x1000, 999));
    }
}
