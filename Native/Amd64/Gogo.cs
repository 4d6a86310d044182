using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>func gogo(buf *gobuf)</c> (asm_amd64.s): restore state from a gobuf; longjmp. As Go: load buf.g and touch it
/// (fault here on a nil g, not later), set R14 = g, restore SP/BP, RAX = buf.ret, RDX = buf.ctxt, zero
/// sp/ret/ctxt/bp in the buffer (pc is kept), jump to buf.pc.
/// <code>
/// gogo:   In: RDI = &amp;gobuf. Out: R14 = buf.g, RAX = ret, RDX = ctxt. Clobbers RCX. Never returns.
///   mov rdx,[rdi+Gobuf.G]
///   mov rcx,[rdx]                 ; make sure g != nil
///   mov r14,rdx                   ; g register
///   mov rsp,[rdi+Gobuf.Sp]        ; switch stacks
///   mov rax,[rdi+Gobuf.Ret]
///   mov rdx,[rdi+Gobuf.Ctxt]
///   mov rbp,[rdi+Gobuf.Bp]
///   mov qword [rdi+Gobuf.Sp],0 ; ... Ret,0 ; ... Ctxt,0 ; ... Bp,0
///   mov rcx,[rdi+Gobuf.Pc]
///   jmp rcx
/// </code>
/// A diagnostic build can leave out any of the four clears (StubOptions.GogoKeepsSp/Ret/Ctxt/Bp: seeded bugs).
/// </summary>
internal static class Gogo
{
    internal static void Emit(Assembler a, StubLabels l, StubOptions o)
    {
        a.Label(ref l.Gogo);
        a.mov(rdx, __qword_ptr[rdi + GobufLayout.G]);
        a.mov(rcx, __qword_ptr[rdx]);                    // make sure g != nil
        a.mov(r14, rdx);                                 // R14 = g
        a.mov(rsp, __qword_ptr[rdi + GobufLayout.Sp]);   // restore SP: now on g's stack
        a.mov(rax, __qword_ptr[rdi + GobufLayout.Ret]);
        a.mov(rdx, __qword_ptr[rdi + GobufLayout.Ctxt]);
        a.mov(rbp, __qword_ptr[rdi + GobufLayout.Bp]);
#if CHECKER_MUTANTS
        if ((o & StubOptions.GogoKeepsSp) == 0)
#endif
        a.mov(__qword_ptr[rdi + GobufLayout.Sp], 0);     // clear to help garbage collector (Go); here: "g is running"
#if CHECKER_MUTANTS
        if ((o & StubOptions.GogoKeepsRet) == 0)
#endif
        a.mov(__qword_ptr[rdi + GobufLayout.Ret], 0);
#if CHECKER_MUTANTS
        if ((o & StubOptions.GogoKeepsCtxt) == 0)
#endif
        a.mov(__qword_ptr[rdi + GobufLayout.Ctxt], 0);
#if CHECKER_MUTANTS
        if ((o & StubOptions.GogoKeepsBp) == 0)
#endif
        a.mov(__qword_ptr[rdi + GobufLayout.Bp], 0);
        a.mov(rcx, __qword_ptr[rdi + GobufLayout.Pc]);
        a.jmp(rcx);
    }
}
