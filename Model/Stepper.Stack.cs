using Model.Workload;

namespace Model;

/// <summary>Stack growth: the prologue's check, morestack and newstack (stack.go). The runtime's twin is
/// Native/StackCheck.cs, Native/Amd64/Morestack.cs and Sched.NewStack (which throws: native stacks do not grow).</summary>
internal static partial class Stepper
{
    /// <summary>The prologue's stack check of a <c>call</c> (cmd/internal/obj/x86 stacksplit); when the frame does not
    /// fit, morestack saves the callee's context and <see cref="NewStack"/> runs.</summary>
    internal static void CheckStack(in StepContext cx, G g, CompiledWorkload.BodyCode code, int n)
    {
        var call = (CallOp)code.Ops[n];
        var need = code.Used[n] + call.FrameBytes + CompiledWorkload.CallOverheadBytes;
        if (need <= g.StackSize - cx.Cfg.StackGuardBytes) return;
        // morestack: the callee's prologue saves sp, pc and bp; morestack_noctxt leaves ctxt 0.
        McallSave(cx, g, Level(cx, g, n), AbstractPc.At(n));
        NewStack(cx, g, need);
    }

    /// <summary>Mirrors runtime.newstack (stack.go): E12, copystack to a size that doubles until the frame fits, E13,
    /// gogo. Above maxstacksize (or with growth off) it throws "stack overflow" before touching the status.</summary>
    internal static void NewStack(in StepContext cx, G g, int need)
    {
        if (!cx.Cfg.GrowStacks) throw new ModelThrowException(Throw.StackOverflow);
        var newSize = g.StackSize * 2;
        while (need > newSize - cx.Cfg.StackGuardBytes) newSize *= 2;
        if (newSize > cx.Cfg.MaxStackBytes) throw new ModelThrowException(Throw.StackOverflow);
        CasGStatus(cx, g, GStatus.Running, GStatus.CopyStack, Transitions.NewStackEnter);
        g.StackSize = newSize;
        CasGStatus(cx, g, GStatus.CopyStack, GStatus.Running, Transitions.NewStackLeave);
        Gogo(cx, g);
    }
}
