namespace Native.Layout;

/// <summary>
/// Byte offsets of our G record. Up to <see cref="SchedLink"/> they are Go 1.19 amd64's runtime.g offsets
/// (runtime2.go); the fields after it are ours. Emitters and the <see cref="G"/> struct both use these constants.
/// <code>
///   +0   stack.lo        +8   stack.hi         +16  stackguard0     +24 stackguard1
///   +32  (_panic)        +40  (_defer)         +48  m               +56 sched (gobuf, 56 bytes)
///   +112 syscallsp       +120 syscallpc        +128 stktopsp        +136 param
///   +144 atomicstatus    +148 (stackLock)      +152 goid            +160 schedlink
///   --- ours ---
///   +168 WaitSema (i32)  +172 Body (i32)       +176 GoPc            +184 ParentGoid
///   +192 WaitReason(i32) +196 Index (i32)      +200 StartPc         +208 StackCanary
///   +216 SendSeq         +224 SelectDone(i32) +232 Waiting         (channels: Spare0..Spare2)
///   +240 Preempt (i32)   (preemption: Spare3)
///   +216..+248 Spare0..Spare4 (owned by Implementation; the fields above overlay the first four)
///   =256 (a multiple of 64: one G never shares a cache line with another)
/// </code>
/// </summary>
public static class GLayout
{
    public const int StackLo = 0;
    public const int StackHi = 8;
    public const int StackGuard0 = 16;
    public const int StackGuard1 = 24;
    public const int M = 48;
    public const int Sched = 56;
    public const int SyscallSp = 112;
    public const int SyscallPc = 120;
    public const int StkTopSp = 128;
    public const int Param = 136;
    public const int AtomicStatus = 144;
    public const int Goid = 152;
    public const int SchedLink = 160;

    // Ours, after Go's fields.
    public const int WaitSema = 168;
    public const int Body = 172;
    public const int GoPc = 176;
    public const int ParentGoid = 184;
    public const int WaitReason = 192;
    public const int Index = 196;
    public const int StartPc = 200;
    public const int StackCanary = 208;
    public const int Spare0 = 216;
    /// <summary>Ours: how many sends this g has started since newproc1 gave it its goid (Model.Workload.ChanValues).
    /// Emitted code increments it and builds the value to send from it.</summary>
    public const int SendSeq = Spare0;
    /// <summary>Go's selectDone (runtime2.go): 1 once a waker has won this g's select (waitq.dequeue's CAS).</summary>
    public const int SelectDone = Spare1;
    /// <summary>Go's waiting: the sudogs this g is parked with (a select's in lock order, through waitlink).</summary>
    public const int Waiting = Spare2;
    /// <summary>Go's preempt (runtime2.go): a preemption request is pending (stackguard0 = stackPreempt with it).</summary>
    public const int Preempt = Spare3;
    public const int Spare1 = 224;
    public const int Spare2 = 232;
    public const int Spare3 = 240;
    public const int Spare4 = 248;
    public const int Size = 256;

    /// <summary>Absolute offsets of the gobuf fields inside G, for emitters: <c>[r14 + GLayout.SchedSp]</c>.</summary>
    public const int SchedSp = Sched + GobufLayout.Sp;
    public const int SchedPc = Sched + GobufLayout.Pc;
    public const int SchedG = Sched + GobufLayout.G;
    public const int SchedCtxt = Sched + GobufLayout.Ctxt;
    public const int SchedRet = Sched + GobufLayout.Ret;
    public const int SchedBp = Sched + GobufLayout.Bp;
}
