using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>func goexit(neverCallThisFunction)</c> (asm_amd64.s): the return address at the top of every goroutine stack.
/// Go: <c>BYTE $0x90 // NOP</c> then <c>CALL runtime·goexit1(SB)</c>; newproc1 sets the fake return PC to goexit+1
/// (PCQuantum) so tracebacks see the NOP's function. Here goexit+1 is goexit1 itself: mcall(Exit), whose resume PC is
/// badmcall because an exited g must never run again.
/// <code>
/// goexit:    nop
/// goexit1:   lea rax,[badmcall] ; mov ecx,Exit ; jmp mcall
/// </code>
/// In: R14 = g, RSP = hi - 32 after the body's RET. Never returns.
/// </summary>
internal static class Goexit
{
    internal static void Emit(Assembler a, StubLabels l)
    {
        a.Label(ref l.Goexit);
        a.nop();
        a.Label(ref l.Goexit1);
        a.lea(rax, __[l.BadMcall]);
        a.mov(ecx, (int)McallReason.Exit);
        a.jmp(l.Mcall);
    }
}
