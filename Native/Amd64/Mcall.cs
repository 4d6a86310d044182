using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>func mcall(fn func(*g))</c> (asm_amd64.s): switch from a goroutine to g0 and give the scheduler the reason.
/// Go CALLs mcall and saves the return address; we take the resume PC in RAX and are JMPed to (native-notes rule 12:
/// keeps CALL/RET balanced for the return-stack buffer). Instead of calling fn on g0 we return the reason to C#
/// through g0.sched.pc (= entry_ret). mcall on g0 is Go's badmcall: checked before anything is saved, so g0.sched stays
/// intact, and reported to C# as McallReason.Bad instead of crashing.
/// <code>
/// mcall:   In: RAX = resume pc, ECX = reason, R14 = g, RSP = the SP to resume with. Never returns to the caller.
///   mov rbx,[r14+G.M]
///   mov rsi,[rbx+M.G0]
///   cmp r14,rsi
///   je mcall_bad                  ; mcall on g0
///   [ShadowSched: shadowsched(m = RBX, scratch = RDX): m.shadowsched = g.sched, the sched g ran with]
///   mov [r14+G.SchedPc],rax       ; g.sched = {pc, sp, bp}
///   mov [r14+G.SchedSp],rsp
///   mov [r14+G.SchedBp],rbp
/// mcall_g0:   In: RBX = m, RSI = g0, ECX = reason (morestack jumps here too).
///   mov [rbx+M.Reason],ecx
///   mov rsp,[rsi+G.SchedSp]       ; switch to g0's stack
///   mov rbp,[rsi+G.SchedBp]
///   mov qword [rsi+G.SchedSp],0   ; entry is over (lets entry detect re-entry)
///   mov eax,ecx
///   jmp qword [rsi+G.SchedPc]     ; entry_ret
/// mcall_bad:
///   mov ecx,Bad
///   jmp mcall_g0
/// </code>
/// Clobbers everything but R14 (which entry_ret then restores for C#); the shadow copy uses RDX, which mcall's contract
/// leaves dead (RAX and ECX carry the resume pc and the reason).
/// </summary>
internal static class Mcall
{
    internal static void Emit(Assembler a, StubLabels l, StubOptions o)
    {
        a.Label(ref l.Mcall);
        a.mov(rbx, __qword_ptr[r14 + GLayout.M]);
        a.mov(rsi, __qword_ptr[rbx + MLayout.G0]);
        a.cmp(r14, rsi);
        a.je(l.McallBad);
        ShadowSched.EmitCopy(a, o, rbx, rdx);
        a.mov(__qword_ptr[r14 + GLayout.SchedPc], rax);
        a.mov(__qword_ptr[r14 + GLayout.SchedSp], rsp);
        a.mov(__qword_ptr[r14 + GLayout.SchedBp], rbp);
        a.Label(ref l.McallG0);
        a.mov(__dword_ptr[rbx + MLayout.Reason], ecx);
        a.mov(rsp, __qword_ptr[rsi + GLayout.SchedSp]);  // switch to g0's stack
        a.mov(rbp, __qword_ptr[rsi + GLayout.SchedBp]);
        a.mov(__qword_ptr[rsi + GLayout.SchedSp], 0);  // entry is over: lets entry detect re-entry
        a.mov(eax, ecx);
        a.jmp(__qword_ptr[rsi + GLayout.SchedPc]);
        a.Label(ref l.McallBad);
        a.mov(ecx, (int)McallReason.Bad);
        a.jmp(l.McallG0);
    }
}
