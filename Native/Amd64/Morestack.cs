using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>func morestack()</c> (asm_amd64.s): called by a prologue (<see cref="StackCheck"/>) at the very start of a
/// function f whose frame would not fit above stackguard0. As Go: refuse on g0 (badmorestackg0), set m.morebuf to f's
/// caller ({pc, sp, g}), set g.sched to f's context ({pc = the instruction after the CALL, sp, bp, ctxt = RDX}),
/// then switch to g0. Go calls newstack there; our stacks do not grow, so it mcalls back to C# with
/// McallReason.Morestack and C# reports "goroutine stack exceeds N-byte limit". If C# ever resumes the g, it
/// re-runs f's check (the instruction after the CALL jumps back to f's start, as in Go).
/// <code>
/// morestack:   In: R14 = g, [RSP] = f's pc, [RSP+8] = f's caller's pc, RDX = ctxt. Never returns to the caller.
///   mov rbx,[r14+G.M]
///   mov rsi,[rbx+M.G0]
///   cmp r14,rsi
///   je morestack_g0
///   [ShadowSched: shadowsched(m = RBX, scratch = RAX): m.shadowsched = g.sched, the sched g ran with]
///   mov rax,[rsp+8]   ; mov [rbx+M.MorebufPc],rax
///   lea rax,[rsp+16]  ; mov [rbx+M.MorebufSp],rax
///   mov [rbx+M.MorebufG],r14
///   mov rax,[rsp]     ; mov [r14+G.SchedPc],rax
///   lea rax,[rsp+8]   ; mov [r14+G.SchedSp],rax
///   mov [r14+G.SchedBp],rbp
///   mov [r14+G.SchedCtxt],rdx
///   mov ecx,Morestack
///   jmp mcall_g0
/// morestack_g0:
///   mov ecx,BadMorestackG0
///   jmp mcall_g0
/// </code>
/// The shadow copy uses RAX (morestack's own scratch; RDX is the ctxt it must save).
/// </summary>
internal static class Morestack
{
    internal static void Emit(Assembler a, StubLabels l, StubOptions o)
    {
        a.Label(ref l.Morestack);
        a.mov(rbx, __qword_ptr[r14 + GLayout.M]);
        a.mov(rsi, __qword_ptr[rbx + MLayout.G0]);
        a.cmp(r14, rsi);
        a.je(l.MorestackG0);
        ShadowSched.EmitCopy(a, o, rbx, rax);
        a.mov(rax, __qword_ptr[rsp + 8]);
        a.mov(__qword_ptr[rbx + MLayout.MorebufPc], rax);
        a.lea(rax, __[rsp + 16]);
        a.mov(__qword_ptr[rbx + MLayout.MorebufSp], rax);
        a.mov(__qword_ptr[rbx + MLayout.MorebufG], r14);
        a.mov(rax, __qword_ptr[rsp]);
        a.mov(__qword_ptr[r14 + GLayout.SchedPc], rax);
        a.lea(rax, __[rsp + 8]);
        a.mov(__qword_ptr[r14 + GLayout.SchedSp], rax);
        a.mov(__qword_ptr[r14 + GLayout.SchedBp], rbp);
        a.mov(__qword_ptr[r14 + GLayout.SchedCtxt], rdx);
        a.mov(ecx, (int)McallReason.Morestack);
        a.jmp(l.McallG0);
        a.Label(ref l.MorestackG0);
        a.mov(ecx, (int)McallReason.BadMorestackG0);
        a.jmp(l.McallG0);
    }
}
