using System.Runtime.InteropServices;

namespace Native.Layout;

/// <summary>
/// Mirrors runtime.m (runtime2.go), cut down. Lives in native memory (<see cref="Records.NewM"/>), never holds a
/// managed reference. Offsets: <see cref="MLayout"/>.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = MLayout.Size)]
public unsafe struct M
{
    /// <summary>The M's system g. Its sched is written by entry on every entry (C#'s SP/BP and PC = entry_ret).</summary>
    [FieldOffset(MLayout.G0)] public G* G0;

    /// <summary>The g running on this M, or null while C# runs on g0. entry and switch_to write it.</summary>
    [FieldOffset(MLayout.CurG)] public G* CurG;

    /// <summary>The attached P (a pointer into Implementation's native P records). Implementation owns it.</summary>
    [FieldOffset(MLayout.P)] public nint P;

    /// <summary>The McallReason the last mcall stored (also entry's return value).</summary>
    [FieldOffset(MLayout.Reason)] public int Reason;

    /// <summary>Go's m.locks; Implementation owns it.</summary>
    [FieldOffset(MLayout.Locks)] public int Locks;

    /// <summary>Go's m.id.</summary>
    [FieldOffset(MLayout.Id)] public long Id;

    /// <summary>Go's m.oldp (the P to reacquire after a syscall); Implementation owns it.</summary>
    [FieldOffset(MLayout.OldP)] public nint OldP;

    /// <summary>Go's m.spinning; Implementation owns it.</summary>
    [FieldOffset(MLayout.Spinning)] public int Spinning;

    /// <summary>Implementation's per-M scheduler state (e.g. a native record address).</summary>
    [FieldOffset(MLayout.SchedPtr)] public nint SchedPtr;

    /// <summary>Go's m.morebuf: morestack stores the overflowing function's caller (pc, sp, g) here.</summary>
    [FieldOffset(MLayout.Morebuf)] public Gobuf Morebuf;

    /// <summary>Spare words owned by Implementation.</summary>
    [FieldOffset(MLayout.Spare0)] public nint Spare0;
    [FieldOffset(MLayout.Spare1)] public nint Spare1;
    [FieldOffset(MLayout.Spare2)] public nint Spare2;
    [FieldOffset(MLayout.Spare3)] public nint Spare3;
    [FieldOffset(MLayout.Spare4)] public nint Spare4;
    [FieldOffset(MLayout.Spare5)] public nint Spare5;
    [FieldOffset(MLayout.Spare6)] public nint Spare6;
    [FieldOffset(MLayout.Spare7)] public nint Spare7;
    [FieldOffset(MLayout.Spare8)] public nint Spare8;

    /// <summary>m.shadowsched (ours, not Go's): with <see cref="StubOptions.ShadowSched"/>, mcall, the systemstack
    /// switch and morestack copy the switching g's whole g.sched here just before they save into it, so that C# on g0
    /// can read the sched the g ran with (Go's B2 says sp = ctxt = ret = bp = 0 after gogo; pc and g are kept). Valid
    /// right after the switch back (entry returning from mcall, or a systemstack callback's first instruction) until
    /// the M's next switch; all zero on an M that never switched or whose stubs lack the option. Written only by the
    /// stubs; offset known to Native/Amd64/ShadowSched.cs.</summary>
    [FieldOffset(MLayout.ShadowSched)] public Gobuf ShadowSched;

    [FieldOffset(MLayout.Spare9)] public nint Spare9;
}
