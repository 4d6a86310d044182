namespace Native;

/// <summary>
/// What a <see cref="StubSet"/> is emitted with (<see cref="StubSet.Get"/> emits each distinct combination once, into
/// its own W^X region). <see cref="None"/> is today's stubs, byte for byte: no option adds an instruction to any path
/// of a set that does not select it (StubDecodeTests pins the bytes).
/// </summary>
[Flags]
internal enum StubOptions
{
    /// <summary>The stubs as Go's asm_amd64.s has them (what <see cref="StubSet.Shared"/> is).</summary>
    None = 0,

    /// <summary>
    /// mcall, the systemstack switch and morestack first copy the switching g's whole g.sched (sp, pc, g, ctxt, ret,
    /// lr, bp) into <see cref="Layout.M.ShadowSched"/>, then save as they always do: right after the switch C# can still
    /// read the sched the g <em>ran</em> with (Go's B2: sp = ctxt = ret = bp = 0 after gogo), which the save overwrites.
    /// For checked runs; costs 7 loads and 7 stores per switch.
    /// </summary>
    ShadowSched = 1 << 0,

    // ---- seeded bugs: selectable only in a diagnostic (non-Release) build (StubSet.Get refuses them otherwise) ----

    /// <summary>Seeded bug: gogo loads sched.sp but does not clear it.</summary>
    GogoKeepsSp = 1 << 8,

    /// <summary>Seeded bug: gogo loads sched.ret into RAX but does not clear it.</summary>
    GogoKeepsRet = 1 << 9,

    /// <summary>Seeded bug: gogo loads sched.ctxt into RDX but does not clear it.</summary>
    GogoKeepsCtxt = 1 << 10,

    /// <summary>Seeded bug: gogo loads sched.bp into RBP but does not clear it.</summary>
    GogoKeepsBp = 1 << 11,

    /// <summary>Seeded bug: systemstack's way back restores SP from sched.sp but leaves sched.sp set (bp is still
    /// cleared).</summary>
    SystemstackKeepsSp = 1 << 12,

    /// <summary>Every seeded bug.</summary>
    Mutants = GogoKeepsSp | GogoKeepsRet | GogoKeepsCtxt | GogoKeepsBp | SystemstackKeepsSp,

    /// <summary>Every defined option.</summary>
    All = ShadowSched | Mutants,
}
