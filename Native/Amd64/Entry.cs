using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>entry(m *m, g *g) int64</c>: C# on g0 → goroutine; returns when the goroutine mcalls back. Our counterpart of
/// the end of Go's mstart1/schedule → execute → gogo path, called from C# as <c>delegate* unmanaged&lt;M*, G*, long&gt;</c>.
/// <para>Difference from Go (B6): Go never saves g0's context after mstart1, because schedule() is re-entered fresh on
/// every mcall. Here the C# scheduler loop is g0's only frame that matters, so entry saves C#'s SP, BP and PC =
/// entry_ret into m.g0.sched on every entry, and mcall returns there. g0.sched.sp is non-zero exactly while an entry
/// is active (mcall clears it on the way back), so entry refuses re-entry on the same M (native-notes rule 7, e.g.
/// from a systemstack callback) by returning McallReason.Reentered without switching.</para>
/// <code>
/// entry:   In: RDI = m, RSI = g (SysV). Falls through into gogo(&amp;g.sched).
///   push rbp ; mov rbp,rsp ; push rbx ; push r12 ; push r13 ; push r14 ; push r15
///   sub rsp,8                         ; SP ≡ 0 (mod 16): systemstack calls C# from here down
///   mov rax,[rdi+M.G0]
///   cmp qword [rax+G.SchedSp],0
///   jne entry_reentered               ; already inside entry on this M
///   mov [rax+G.SchedSp],rsp           ; g0.sched = {sp, bp, pc = entry_ret}
///   mov [rax+G.SchedBp],rbp
///   lea rcx,[entry_ret]
///   mov [rax+G.SchedPc],rcx
///   mov [rdi+M.CurG],rsi              ; m.curg = g
///   mov [rsi+G.M],rdi                 ; g.m = m (a g may resume on another M)
///   lea rdi,[rsi+G.Sched]
/// entry_ret:   In: RSP/RBP = g0.sched.sp/bp (restored by mcall), EAX = reason. Out: RAX = reason (SysV).
///   add rsp,8 ; pop r15 ; pop r14 ; pop r13 ; pop r12 ; pop rbx ; pop rbp ; ret
/// entry_reentered:   (still on C#'s stack, nothing switched)
///   mov eax,Reentered ; jmp entry_ret
/// </code>
/// Clobbers (as seen by C#): RAX, RCX, RDX, RSI, RDI, R8-R11, flags, vector registers; RBX, RBP, R12-R15 and RSP
/// are preserved.
/// </summary>
internal static class Entry
{
    internal static void Emit(Assembler a, StubLabels l)
    {
        a.Label(ref l.Entry);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.push(rbx);
        a.push(r12);
        a.push(r13);
        a.push(r14);
        a.push(r15);
        a.sub(rsp, 8);                                   // align: return address + 6 pushes + 8 = 64
        a.mov(rax, __qword_ptr[rdi + MLayout.G0]);
        a.cmp(__qword_ptr[rax + GLayout.SchedSp], 0);
        a.jne(l.EntryReentered);
        a.mov(__qword_ptr[rax + GLayout.SchedSp], rsp);  // g0.sched.sp = C#'s SP below our pushes
        a.mov(__qword_ptr[rax + GLayout.SchedBp], rbp);
        a.lea(rcx, __[l.EntryRet]);
        a.mov(__qword_ptr[rax + GLayout.SchedPc], rcx);
        a.mov(__qword_ptr[rdi + MLayout.CurG], rsi);
        a.mov(__qword_ptr[rsi + GLayout.M], rdi);
        a.lea(rdi, __[rsi + GLayout.Sched]);
        // falls through into gogo(&g.sched)
    }

    internal static void EmitRet(Assembler a, StubLabels l)
    {
        a.Label(ref l.EntryRet);
        a.add(rsp, 8);                                   // SP = g0.sched.sp + 8: back on C#'s stack
        a.pop(r15);
        a.pop(r14);
        a.pop(r13);
        a.pop(r12);
        a.pop(rbx);
        a.pop(rbp);
        a.ret();
        a.Label(ref l.EntryReentered);
        a.mov(eax, (int)McallReason.Reentered);
        a.jmp(l.EntryRet);
    }
}
