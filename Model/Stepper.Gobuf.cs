namespace Model;

/// <summary>The gobuf writes of the switch stubs (reference §3.2); their native twins are Native/Amd64/*.cs.</summary>
internal static partial class Stepper
{
    /// <summary>Frame level of the op at <paramref name="ordinal"/> of <paramref name="g"/>'s body.</summary>
    internal static byte Level(in StepContext cx, G g, int ordinal) => (byte)(2 + cx.Code.Bodies[g.Body].CallDepth[ordinal]);

    /// <summary>Mirrors mcall's save (asm_amd64.s): the caller's sp, pc and bp into g.sched; never touches g or ctxt.</summary>
    internal static void McallSave(in StepContext cx, G g, byte level, AbstractPc pc, byte? bp = null)
    {
        var b = bp ?? level;
        g.Sched.Sp = level;
        g.Sched.Pc = pc;
        g.Sched.Bp = b;
        cx.Emit(EventKind.GobufSave, g.Goid, level, pc.Code, b);
    }

    /// <summary>Mirrors systemstack's switch (gosave_systemstack_switch, asm_amd64.s): sp, pc = systemstack_switch, bp;
    /// ctxt must be 0.</summary>
    internal static void SystemstackSave(in StepContext cx, G g, int ordinal)
    {
        var level = Level(cx, g, ordinal);
        g.Sched.Sp = level;
        g.Sched.Pc = AbstractPc.SystemstackSwitch;
        g.Sched.Bp = level;
        // No GobufSave event: the runtime traces only what mcall, morestack and entersyscall save.
    }

    /// <summary>Mirrors systemstack's return (asm_amd64.s): sp (and, as the native stub and tip do, bp) cleared; pc
    /// stays stale.</summary>
    internal static void SystemstackReturn(G g)
    {
        g.Sched.Sp = 0;
        g.Sched.Bp = 0;
    }

    /// <summary>Mirrors runtime.gogo (asm_amd64.s): jumps to sched.pc and clears sp, ctxt, ret and bp.</summary>
    internal static void Gogo(in StepContext cx, G g)
    {
        cx.Emit(EventKind.GobufLoad, g.Goid, g.Sched.Pc.Code);
        g.Sched.Sp = 0;
        g.Sched.Ctxt = false;
        g.Sched.Bp = 0;
    }
}
