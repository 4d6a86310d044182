using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>func systemstack(fn func())</c> (asm_amd64.s): run fn on g0's stack and come back. fn is an
/// <c>[UnmanagedCallersOnly] long Fn(G* g, nint a0, nint a1)</c>: C# may only run on g0 (native-notes rule 1). On g0
/// (Go's noswitch) fn is called in place. Otherwise the g's SP/BP/PC go into g.sched (Go pretends
/// systemstack_switch; we record systemstack_ret), SP = g0.sched.sp (the SP entry saved, below C#'s frame) aligned to 16,
/// then fn is called; R14 survives it (callee-saved in SysV). Back on the g's stack, sched.sp/bp are cleared as Go does.
/// As Go, a g other than m.curg is an impossible path (jump to badmcall).
/// <code>
/// systemstack:   In: RAX = fn, RDI = a0, RSI = a1, R14 = g; reached by CALL. Out: RAX = fn's result.
///   push rbp ; mov rbp,rsp
///   mov rdx,rsi ; mov rsi,rdi ; mov rdi,r14       ; fn(g, a0, a1)
///   mov r11,[r14+G.M]
///   mov r10,[r11+M.G0]
///   cmp r14,r10
///   je systemstack_noswitch
///   cmp r14,[r11+M.CurG]
///   jne badmcall
///   [ShadowSched: shadowsched(m = R11, scratch = RCX): m.shadowsched = g.sched, the sched g ran with]
///   mov [r14+G.SchedSp],rsp ; mov [r14+G.SchedBp],rbp
///   lea rcx,[systemstack_ret] ; mov [r14+G.SchedPc],rcx
///   mov rsp,[r10+G.SchedSp]                     ; switch to g0
///   and rsp,-16
///   call rax
/// systemstack_ret:
///   mov rsp,[r14+G.SchedSp]                     ; switch back to g
///   mov qword [r14+G.SchedSp],0 ; mov qword [r14+G.SchedBp],0
///   pop rbp ; ret
/// systemstack_noswitch:
///   and rsp,-16 ; call rax ; mov rsp,rbp ; pop rbp ; ret
/// </code>
/// Clobbers RCX, RDX, RSI, RDI, R8-R11, flags and vector registers; RBX, RBP, R12-R15 survive (fn is SysV). The shadow
/// copy uses RCX (dead until the lea of systemstack_ret; RAX = fn and RDI/RSI/RDX = fn's arguments by then). A diagnostic
/// build can leave sched.sp set on the way back (StubOptions.SystemstackKeepsSp: a seeded bug).
/// </summary>
internal static class Systemstack
{
    internal static void Emit(Assembler a, StubLabels l, StubOptions o)
    {
        a.Label(ref l.Systemstack);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.mov(rdx, rsi);
        a.mov(rsi, rdi);
        a.mov(rdi, r14);
        a.mov(r11, __qword_ptr[r14 + GLayout.M]);
        a.mov(r10, __qword_ptr[r11 + MLayout.G0]);
        a.cmp(r14, r10);
        a.je(l.SystemstackNoSwitch);
        a.cmp(r14, __qword_ptr[r11 + MLayout.CurG]);
        a.jne(l.BadMcall);
        ShadowSched.EmitCopy(a, o, r11, rcx);
        a.mov(__qword_ptr[r14 + GLayout.SchedSp], rsp);
        a.mov(__qword_ptr[r14 + GLayout.SchedBp], rbp);
        a.lea(rcx, __[l.SystemstackRet]);
        a.mov(__qword_ptr[r14 + GLayout.SchedPc], rcx);
        a.mov(rsp, __qword_ptr[r10 + GLayout.SchedSp]);  // switch to g0's stack
        a.and(rsp, -16);
        a.call(rax);
        a.Label(ref l.SystemstackRet);
        a.mov(rsp, __qword_ptr[r14 + GLayout.SchedSp]);  // switch back to g's stack
#if CHECKER_MUTANTS
        if ((o & StubOptions.SystemstackKeepsSp) == 0)
#endif
        a.mov(__qword_ptr[r14 + GLayout.SchedSp], 0);
        a.mov(__qword_ptr[r14 + GLayout.SchedBp], 0);
        a.pop(rbp);
        a.ret();
        a.Label(ref l.SystemstackNoSwitch);
        a.and(rsp, -16);
        a.call(rax);
        a.mov(rsp, rbp);
        a.pop(rbp);
        a.ret();
    }
}
