namespace Native.Layout;

/// <summary>
/// Byte offsets of runtime.gobuf on amd64 (Go 1.19, runtime2.go), the single source of truth shared by the C#
/// <see cref="Gobuf"/> struct and every emitter (Go's go_asm.h idea). A test checks each against Marshal.OffsetOf.
/// <code>
///   +0  sp    saved stack pointer (0 while the g runs: gogo clears it)
///   +8  pc    resume address
///   +16 g     the G* this buffer belongs to (set once, by newproc1 / PrepareGoroutine)
///   +24 ctxt  closure context, loaded into RDX by gogo
///   +32 ret   value loaded into RAX by gogo
///   +40 lr    unused on amd64 (link register architectures only)
///   +48 bp    saved frame pointer
///   =56
/// </code>
/// </summary>
public static class GobufLayout
{
    public const int Sp = 0;
    public const int Pc = 8;
    public const int G = 16;
    public const int Ctxt = 24;
    public const int Ret = 32;
    public const int Lr = 40;
    public const int Bp = 48;
    public const int Size = 56;
}
