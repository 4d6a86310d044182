using System.Runtime.InteropServices;

namespace Native.Layout;

/// <summary>
/// Mirrors runtime.g (runtime2.go) as far as the stubs and the scheduler need it. Lives in native memory
/// (<see cref="Records.NewG"/>); it never holds a managed reference (native-notes rule 4). Offsets: <see cref="GLayout"/>.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = GLayout.Size)]
public unsafe struct G
{
    /// <summary>Lowest usable address of the stack. Written by <see cref="StackPool.Allocate"/>.</summary>
    [FieldOffset(GLayout.StackLo)] public nint StackLo;

    /// <summary>One past the highest address of the stack, 16-aligned. Written by <see cref="StackPool.Allocate"/>.</summary>
    [FieldOffset(GLayout.StackHi)] public nint StackHi;

    /// <summary>Prologues compare SP against this (<see cref="StackCheck"/>); at or below it they call morestack.
    /// <c>StackLo + StackPool.StackGuard</c>. Implementation may poison it (Go's stackPreempt) to force a morestack.</summary>
    [FieldOffset(GLayout.StackGuard0)] public nint StackGuard0;

    /// <summary>Go's limit for C code; set equal to StackGuard0, unused by the stubs.</summary>
    [FieldOffset(GLayout.StackGuard1)] public nint StackGuard1;

    /// <summary>The M running this g, or null. entry and switch_to write it; Implementation clears it.</summary>
    [FieldOffset(GLayout.M)] public M* M;

    /// <summary>Saved context. Written by mcall/morestack/switch_to/systemstack, read and cleared by gogo.</summary>
    [FieldOffset(GLayout.Sched)] public Gobuf Sched;

    /// <summary>Go's syscallsp: SP at syscall entry, for the trace. Implementation owns it.</summary>
    [FieldOffset(GLayout.SyscallSp)] public nint SyscallSp;

    /// <summary>Go's syscallpc: PC at syscall entry. Implementation owns it.</summary>
    [FieldOffset(GLayout.SyscallPc)] public nint SyscallPc;

    /// <summary>Go's stktopsp: the SP at the top of the stack, for traceback checks. Set by PrepareGoroutine.</summary>
    [FieldOffset(GLayout.StkTopSp)] public nint StkTopSp;

    /// <summary>Go's param: a value passed to a g when it is readied. Implementation owns it.</summary>
    [FieldOffset(GLayout.Param)] public nint Param;

    /// <summary>Go's atomicstatus (a GStatus value). Only Implementation's CasGStatus writes it.</summary>
    [FieldOffset(GLayout.AtomicStatus)] public uint AtomicStatus;

    /// <summary>Go's goid.</summary>
    [FieldOffset(GLayout.Goid)] public long Goid;

    /// <summary>Go's schedlink: next g on an intrusive list (global run queue, gFree).</summary>
    [FieldOffset(GLayout.SchedLink)] public G* SchedLink;

    /// <summary>Ours: the semaphore/channel id the g waits on, -1 when none.</summary>
    [FieldOffset(GLayout.WaitSema)] public int WaitSema;

    /// <summary>Ours: index of the workload body this g runs.</summary>
    [FieldOffset(GLayout.Body)] public int Body;

    /// <summary>Go's gopc: the PC of the go statement that created this g.</summary>
    [FieldOffset(GLayout.GoPc)] public nint GoPc;

    /// <summary>Go's parentGoid.</summary>
    [FieldOffset(GLayout.ParentGoid)] public long ParentGoid;

    /// <summary>Go's waitreason.</summary>
    [FieldOffset(GLayout.WaitReason)] public int WaitReason;

    /// <summary>Ours: the g's slot in allgs.</summary>
    [FieldOffset(GLayout.Index)] public int Index;

    /// <summary>Go's startpc: the function the g was started with (PrepareGoroutine writes it).</summary>
    [FieldOffset(GLayout.StartPc)] public nint StartPc;

    /// <summary>Ours: address of the canary word at the stack's low end, 0 when canaries are off (the default).
    /// Checked by <see cref="StackPool.CheckCanary"/>.</summary>
    [FieldOffset(GLayout.StackCanary)] public nint StackCanary;

    /// <summary>Ours: sends started since the g got its goid (<see cref="GLayout.SendSeq"/>; overlays Spare0).</summary>
    [FieldOffset(GLayout.SendSeq)] public long SendSeq;

    /// <summary>Go's selectDone: CASed 0 → 1 by the waker that wins a select (overlays Spare1).</summary>
    [FieldOffset(GLayout.SelectDone)] public int SelectDone;

    /// <summary>Go's waiting: the g's first sudog while it is parked on channels (an Implementation pointer; overlays Spare2).</summary>
    [FieldOffset(GLayout.Waiting)] public nint Waiting;

    /// <summary>Go's preempt (runtime2.go): set with stackguard0 = stackPreempt by sysmon's preemptone, cleared by
    /// execute (overlays Spare3).</summary>
    [FieldOffset(GLayout.Preempt)] public int Preempt;

    /// <summary>Spare words owned by Implementation (the first four carry the channel and preemption fields above).</summary>
    [FieldOffset(GLayout.Spare0)] public nint Spare0;
    [FieldOffset(GLayout.Spare1)] public nint Spare1;
    [FieldOffset(GLayout.Spare2)] public nint Spare2;
    [FieldOffset(GLayout.Spare3)] public nint Spare3;
    [FieldOffset(GLayout.Spare4)] public nint Spare4;
}
