using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Amd64;

/// <summary>
/// <c>badmcall</c>: the target of impossible paths (Go's runtime·badmcall / badctxt / systemstack's bad, which throw).
/// Resuming an exited g (goexit1 saves badmcall as its resume pc), gosave with a non-zero ctxt, or systemstack from a
/// g that is not m.curg land here.
/// <code>
/// badmcall:   lea rax,[badmcall] ; mov ecx,BadResume ; jmp mcall
/// </code>
/// In: R14 = the g that took the impossible path. Instead of trapping (a bare ud2 kills the process with SIGILL and no
/// message), it mcalls back to g0 with <see cref="McallReason.BadResume"/>, so C# reports a fatal error naming the g.
/// mcall's own g0 check still applies: on g0 this returns <see cref="McallReason.Bad"/>. Never returns.
/// </summary>
internal static class BadMcall
{
    internal static void Emit(Assembler a, StubLabels l)
    {
        a.Label(ref l.BadMcall);
        a.lea(rax, __[l.BadMcall]);
        a.mov(ecx, (int)McallReason.BadResume);
        a.jmp(l.Mcall);
    }
}
