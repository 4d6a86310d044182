using Iced.Intel;

namespace Native.Amd64;

/// <summary>
/// <c>badmcall</c>: the trap target of impossible paths (Go's runtime·badmcall / badctxt / systemstack's bad: they
/// throw). Resuming an exited g, gosave with a non-zero ctxt, or systemstack from a g that is not m.curg land here.
/// <code>
/// badmcall:   ud2
/// </code>
/// The process dies with SIGILL: these paths are bugs in Native or the workload compiler, not user errors. (mcall on
/// g0, which a test provokes, is reported to C# as McallReason.Bad instead; see <see cref="Mcall"/>.)
/// </summary>
internal static class BadMcall
{
    internal static void Emit(Assembler a, StubLabels l)
    {
        a.Label(ref l.BadMcall);
        a.ud2();
    }
}
