using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>shadowsched</c> (ours, not Go's; emitted only with <see cref="StubOptions.ShadowSched"/>): copy the current g's
/// whole g.sched (7 words: sp, pc, g, ctxt, ret, lr, bp) into m.shadowsched, inline at the top of mcall, the systemstack
/// switch and morestack, before they save into g.sched. Not a routine of its own: each switch inlines it with the
/// scratch register its contract leaves free (named in that stub's header).
/// <code>
/// shadowsched:   In: R14 = g, m = the M of g, scratch = a dead register. Writes m.shadowsched; moves neither SP nor g.
///   mov scratch,[r14+G.SchedSp]   ; mov [m+M.ShadowSchedSp],scratch
///   mov scratch,[r14+G.SchedPc]   ; mov [m+M.ShadowSchedPc],scratch
///   ... G, Ctxt, Ret, Lr, Bp the same way (gobuf order)
/// </code>
/// </summary>
internal static class ShadowSched
{
    private static readonly int[] Fields =
        [GobufLayout.Sp, GobufLayout.Pc, GobufLayout.G, GobufLayout.Ctxt, GobufLayout.Ret, GobufLayout.Lr, GobufLayout.Bp];

    /// <summary>Emits the copy when <paramref name="options"/> has <see cref="StubOptions.ShadowSched"/>; nothing otherwise.</summary>
    internal static void EmitCopy(Assembler a, StubOptions options, AssemblerRegister64 m, AssemblerRegister64 scratch)
    {
        if ((options & StubOptions.ShadowSched) == 0)
        {
            return;
        }

        foreach (var f in Fields)
        {
            a.mov(scratch, __qword_ptr[r14 + GLayout.Sched + f]);
            a.mov(__qword_ptr[m + MLayout.ShadowSched + f], scratch);
        }
    }
}
