namespace Model;

/// <summary>
/// The gobuf writes of the switch stubs (reference §3.2); their native twins are Native/Amd64/*.cs. Every sp and bp
/// is exact, in bytes below the g's stack.hi (<see cref="Gobuf"/>), from the op's frame (<see cref="FrameAbi"/>).
/// </summary>
internal static partial class Stepper
{
    /// <summary>Mirrors mcall's save (Native/Amd64/Mcall.cs, asm_amd64.s): sched = {pc, sp, bp}; never touches g or
    /// ctxt. The runtime records GobufSave right after the mcall reaches g0.</summary>
    internal static void McallSave(in StepContext cx, G g, int sp, AbstractPc pc, int bp)
    {
        g.Sched.Sp = sp;
        g.Sched.Pc = pc;
        g.Sched.Bp = bp;
        cx.Emit(EventKind.GobufSave, g.Goid, sp, pc.Code, bp);
    }

    /// <summary>mcall from the op at <paramref name="ordinal"/> (yield, park, exit, exitsyscall's slow path): the op
    /// jumps to mcall with its function's rsp and rbp, and the resume point as pc.</summary>
    internal static void McallFrom(in StepContext cx, G g, int ordinal)
    {
        var code = cx.Code.Bodies[g.Body];
        McallSave(cx, g, code.SpOffset[ordinal], AbstractPc.At(ordinal), code.BpOffset[ordinal]);
    }

    /// <summary>Mirrors systemstack's switch (Native/Amd64/Systemstack.cs; Go's gosave_systemstack_switch): sp and bp
    /// after the CALL's return address and the stub's push of rbp, pc = systemstack_switch; ctxt must be 0.</summary>
    internal static void SystemstackSave(in StepContext cx, G g, int ordinal)
    {
        var sp = SystemstackSp(cx, g, ordinal);
        g.Sched.Sp = sp;
        g.Sched.Pc = AbstractPc.SystemstackSwitch;
        g.Sched.Bp = sp;
        // No GobufSave event: the runtime traces only what mcall, morestack and entersyscall save.
    }

    /// <summary>The sp (and bp) systemstack saves for a service call from the op at <paramref name="ordinal"/>.</summary>
    internal static int SystemstackSp(in StepContext cx, G g, int ordinal) =>
        cx.Code.Bodies[g.Body].SpOffset[ordinal] + FrameAbi.SystemstackPushBytes;

    /// <summary>Mirrors systemstack's return (Native/Amd64/Systemstack.cs): sp (and, as tip does, bp) cleared; pc
    /// stays stale.</summary>
    internal static void SystemstackReturn(G g)
    {
        g.Sched.Sp = 0;
        g.Sched.Bp = 0;
    }

    /// <summary>Mirrors runtime.gogo (Native/Amd64/Gogo.cs, asm_amd64.s): loads sched (GobufLoad: pc, sp, bp), jumps
    /// to pc and clears sp, ctxt, ret and bp (pc, g and lr stay).</summary>
    internal static void Gogo(in StepContext cx, G g)
    {
        cx.Emit(EventKind.GobufLoad, g.Goid, g.Sched.Pc.Code, g.Sched.Sp, g.Sched.Bp);
        g.Sched.Sp = 0;
        g.Sched.Ctxt = false;
        g.Sched.Ret = 0;
        g.Sched.Bp = 0;
    }
}
