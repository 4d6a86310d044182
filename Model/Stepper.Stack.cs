using Model.Workload;

namespace Model;

/// <summary>Stack growth: the prologue's check, morestack and newstack (stack.go). The runtime's twin is
/// Native/StackCheck.cs, Native/Amd64/Morestack.cs and Sched.NewStack (which throws: native stacks do not grow).</summary>
internal static partial class Stepper
{
    /// <summary>
    /// The prologue's stack check of the function a <c>call</c> at <paramref name="n"/> enters, exactly as
    /// Native/StackCheck.cs emits it (<see cref="FrameAbi.PrologueFits"/>): the callee starts at the caller's sp + 8
    /// (the return address) and covers its pushed rbp and frame, with StackSmall bytes allowed below stackguard0.
    /// Until this change the model compared "bytes used + frame + 16 ≤ size − guard", without the frame's alignment,
    /// its repeat slots or StackSmall; the model now follows the native check. When the frame does not fit, morestack
    /// saves the callee's context (sp = its entry sp, bp = the caller's rbp, pc = the call) and <see cref="NewStack"/> runs.
    /// <para>A preemption request (<see cref="G.GuardPreempt"/>: stackguard0 = stackPreempt, above any sp) fails every
    /// check, so the first checked prologue after it enters morestack whatever the frame. Returns true when newstack
    /// preempted the g: the step ends there, in schedule, and the g resumes at this prologue
    /// (<see cref="G.ResumeCall"/>).</para>
    /// </summary>
    internal static bool CheckStack(in StepContext cx, G g, CompiledWorkload.BodyCode code, int n)
    {
        var entrySp = code.SpOffset[n] + FrameAbi.ReturnAddressBytes;
        var need = FrameAbi.PrologueNeed(entrySp, code.CalleeFrame[n]);
        if (!g.GuardPreempt && need < g.StackSize - cx.Cfg.StackGuardBytes) return false;
        // morestack (Native/Amd64/Morestack.cs): sched.sp = f's sp at entry, pc = f's prologue (the call op),
        // bp = the caller's; morestack_noctxt leaves ctxt 0 (the runtime's newstack clears it: Sched.NewStack).
        g.Sched.Ctxt = false;
        McallSave(cx, g, entrySp, AbstractPc.At(n), code.BpOffset[n]);
        // m.morebuf = {pc: f's return address, in the caller's op; sp: the caller's sp before its CALL; g}.
        cx.Emit(EventKind.Morebuf, g.Goid, code.SpOffset[n], AbstractPc.At(n).Code, 1);
        return NewStack(cx, g, need, n);
    }

    /// <summary>The body's own prologue check when the g first runs: entered at sp = hi − TopBytes with rbp = 0.
    /// The native morestack then saves a pc in the body's prologue, which the model names the body's entry. A g
    /// preempted here resumes at its entry again (its After is still -1). Returns true when newstack preempted it.</summary>
    internal static bool CheckEntryStack(in StepContext cx, G g, CompiledWorkload.BodyCode code)
    {
        var need = FrameAbi.PrologueNeed(FrameAbi.TopBytes, code.EntryFrame);
        if (!g.GuardPreempt && need < g.StackSize - cx.Cfg.StackGuardBytes) return false;
        // morestack, not morestack_noctxt: a body is entered as Go enters a goroutine's closure, with DX = the ctxt
        // gostartcallfn stored and gogo loaded, and morestack saves it back into sched.ctxt.
        g.Sched.Ctxt = true;
        McallSave(cx, g, FrameAbi.TopBytes, AbstractPc.Entry, 0);
        // The body's caller is goexit's fake frame (newproc1): its return address is goexit+1, above it sp = hi − 32.
        cx.Emit(EventKind.Morebuf, g.Goid, FrameAbi.GoexitSp, AbstractPc.GoExit.Code, 1);
        return NewStack(cx, g, need, -1);
    }

    /// <summary>Mirrors runtime.newstack (stack.go): E12, copystack to a size that doubles until the frame fits, E13,
    /// gogo. Above maxstacksize (or with growth off) it throws "stack overflow" before touching the status. Offsets
    /// below stack.hi do not change when the stack is copied (copystack keeps each frame's distance from the top).
    /// <para>First, as Go does before it looks at the size, a preemption request (stackguard0 was stackPreempt):
    /// canPreemptM holds at every prologue of user code here (m.locks = 0, no malloc, the P running; Go's
    /// "let the goroutine keep running" branch cannot be reached from a workload), so gopreempt_m, and the step ends.
    /// Returns true then; the g resumes at the prologue of call <paramref name="call"/> (-1: the body's own).</para></summary>
    internal static bool NewStack(in StepContext cx, G g, int need, int call)
    {
        if (g.GuardPreempt)
        {
            g.ResumeCall = call;
            GoPreemptM(cx, cx.S.Ms[cx.M], g);
            return true;
        }
        if (!cx.Cfg.GrowStacks) throw new ModelThrowException(Throw.StackOverflow);
        var newSize = g.StackSize * 2;
        while (need >= newSize - cx.Cfg.StackGuardBytes) newSize *= 2;
        if (newSize > cx.Cfg.MaxStackBytes) throw new ModelThrowException(Throw.StackOverflow);
        CasGStatus(cx, g, GStatus.Running, GStatus.CopyStack, Transitions.NewStackEnter);
        cx.Emit(EventKind.StackGrow, g.Goid, g.StackSize, newSize);
        g.StackSize = newSize;
        CasGStatus(cx, g, GStatus.CopyStack, GStatus.Running, Transitions.NewStackLeave);
        Gogo(cx, g);
        return false;
    }
}
