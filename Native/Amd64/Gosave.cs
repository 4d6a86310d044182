using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>func gosave(buf *gobuf)</c> (asm_amd64.s up to Go 1.17; setjmp): save the caller's SP (after return), PC (the
/// return address) and BP, zero ret, require ctxt == 0 (Go's badctxt: jump to badmcall) and set buf.g = R14. A later
/// gogo(buf) returns from this call a second time, with RAX = buf.ret (0 unless the waker set it).
/// <code>
/// gosave:   In: RDI = &amp;gobuf, R14 = g; reached by CALL. Out: RAX clobbered. Clobbers flags.
///   lea rax,[rsp+8] ; mov [rdi+Gobuf.Sp],rax
///   mov rax,[rsp]   ; mov [rdi+Gobuf.Pc],rax
///   mov qword [rdi+Gobuf.Ret],0
///   mov [rdi+Gobuf.Bp],rbp
///   cmp qword [rdi+Gobuf.Ctxt],0
///   jne badmcall
///   mov [rdi+Gobuf.G],r14
///   ret
/// </code>
/// </summary>
internal static class Gosave
{
    internal static void Emit(Assembler a, StubLabels l)
    {
        a.Label(ref l.Gosave);
        a.lea(rax, __[rsp + 8]);
        a.mov(__qword_ptr[rdi + GobufLayout.Sp], rax);
        a.mov(rax, __qword_ptr[rsp]);
        a.mov(__qword_ptr[rdi + GobufLayout.Pc], rax);
        a.mov(__qword_ptr[rdi + GobufLayout.Ret], 0);
        a.mov(__qword_ptr[rdi + GobufLayout.Bp], rbp);
        a.cmp(__qword_ptr[rdi + GobufLayout.Ctxt], 0);
        a.jne(l.BadMcall);
        a.mov(__qword_ptr[rdi + GobufLayout.G], r14);
        a.ret();
    }
}
