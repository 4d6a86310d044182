using System.Runtime.InteropServices;

namespace Native.Layout;

/// <summary>Mirrors runtime.gobuf (runtime2.go): the context a switch saves and gogo restores.
/// Written by the stubs (offsets in <see cref="GobufLayout"/>) and by <see cref="StubSet.PrepareGoroutine"/>.</summary>
[StructLayout(LayoutKind.Explicit, Size = GobufLayout.Size)]
public struct Gobuf
{
    /// <summary>Saved SP. Zero while the owning g runs (gogo and systemstack clear it).</summary>
    [FieldOffset(GobufLayout.Sp)] public nint Sp;

    /// <summary>Resume PC: where gogo jumps.</summary>
    [FieldOffset(GobufLayout.Pc)] public nint Pc;

    /// <summary>The G* that owns this buffer; gogo loads it into R14.</summary>
    [FieldOffset(GobufLayout.G)] public nint G;

    /// <summary>Closure context, loaded into RDX by gogo and then cleared.</summary>
    [FieldOffset(GobufLayout.Ctxt)] public nint Ctxt;

    /// <summary>Loaded into RAX by gogo and then cleared.</summary>
    [FieldOffset(GobufLayout.Ret)] public nint Ret;

    /// <summary>Link register; unused on amd64, kept for Go's layout.</summary>
    [FieldOffset(GobufLayout.Lr)] public nint Lr;

    /// <summary>Saved frame pointer (0 for a new goroutine: the bottom of its frame chain).</summary>
    [FieldOffset(GobufLayout.Bp)] public nint Bp;
}
