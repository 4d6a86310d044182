using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>switch_to(next *g)</c>: a native g→g switch without C#: gosave(&amp;g.sched) with an explicit resume PC
/// (JMP-based, rule 12), m.curg = next, next.m = m, then gogo(&amp;next.sched). Go has no single routine for this;
/// it is what gosched → schedule → execute → gogo amounts to when the next g is already chosen (a future fast path,
/// and the benchmark of the raw switch cost). Scheduling state (status, queues) is the caller's job.
/// <code>
/// switch_to:   In: RAX = resume pc, RDI = next, R14 = g. Out (in next): as gogo. Never returns to the caller.
///   mov [r14+G.SchedPc],rax ; mov [r14+G.SchedSp],rsp ; mov [r14+G.SchedBp],rbp
///   mov rcx,[r14+G.M]
///   mov [rcx+M.CurG],rdi
///   mov [rdi+G.M],rcx
///   lea rdi,[rdi+G.Sched]
///   jmp gogo
/// </code>
/// </summary>
internal static class SwitchTo
{
    internal static void Emit(Assembler a, StubLabels l)
    {
        a.Label(ref l.SwitchTo);
        a.mov(__qword_ptr[r14 + GLayout.SchedPc], rax);
        a.mov(__qword_ptr[r14 + GLayout.SchedSp], rsp);
        a.mov(__qword_ptr[r14 + GLayout.SchedBp], rbp);
        a.mov(rcx, __qword_ptr[r14 + GLayout.M]);
        a.mov(__qword_ptr[rcx + MLayout.CurG], rdi);
        a.mov(__qword_ptr[rdi + GLayout.M], rcx);
        a.lea(rdi, __[rdi + GLayout.Sched]);
        a.jmp(l.Gogo);
    }
}
