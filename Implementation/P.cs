using System.Runtime.InteropServices;
using Native.Layout;

namespace Implementation;

/// <summary>
/// A processor: the right to run goroutine code, with its local run queue and gFree list. Lives in native memory
/// (one 64-byte aligned block per P, allocated by <see cref="Sched"/>), so that a native fast path could read it.
/// Mirrors runtime.p (runtime2.go), with only the fields this runtime uses.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct P
{
    /// <summary>len(p.runq) (<see cref="SchedConstants.RunQSize"/>).</summary>
    public const int RunqSize = SchedConstants.RunQSize;

    /// <summary>Index in allp. Written once.</summary>
    public int Id;
    /// <summary>A <see cref="PStatus"/>; changed with CAS (Psyscall → Pidle races between exitsyscall and sysmon).</summary>
    public int Status;
    /// <summary>Incremented by execute when it does not inherit the time slice. Owner only.</summary>
    public uint SchedTick;
    /// <summary>Incremented on every exitsyscall fast path and by sysmon's retake. Owner or sysmon (after the CAS).</summary>
    public uint SysCallTick;
    /// <summary>The M that owns this P, or null. Written by acquirep/releasep.</summary>
    public M* M;
    /// <summary>Link on sched.pidle. Protected by sched.lock.</summary>
    public P* Link;
    /// <summary>goid cache: the next goid to hand out and the end of the block (exclusive). Owner only.</summary>
    public ulong GoidCache, GoidCacheEnd;
    /// <summary>Local gFree list (LIFO, linked through g.schedlink) and its length. Owner only.</summary>
    public G* GFreeHead;
    public int GFreeN;
    /// <summary>1 while the P is on sched.pidle (Go's idlepMask bit): stealWork skips it. Written under sched.lock.</summary>
    public int OnPidle;
    /// <summary>sysmon's bookkeeping: the syscalltick it saw last and when (Stopwatch ticks).</summary>
    public uint SysmonTick;
    public long SysmonWhen;
    /// <summary>sysmon's bookkeeping for preemption (Go's sysmontick.schedtick and schedwhen): the schedtick it saw
    /// last and when (Stopwatch ticks). Sysmon only.</summary>
    public uint SysmonSchedTick;
    public long SysmonSchedWhen;
    /// <summary>Controlled runs: 1 from an execute that did not inherit the time slice until the M's next runtime
    /// service (its g has run user code). The model's P.SliceFresh: no preemption request while it is set. Owner only.</summary>
    public int SliceFresh;

    private fixed byte _pad0[64];

    /// <summary>Ring head: consumers (owner's runqget, thieves' runqgrab) CAS-release it.</summary>
    public uint RunqHead;
    private fixed byte _pad1[60];
    /// <summary>Ring tail: only the owner writes it (store-release); others load-acquire it.</summary>
    public uint RunqTail;
    private fixed byte _pad2[60];
    /// <summary>The ring: 256 guintptr slots, index mod 256.</summary>
    public fixed long Runq[RunqSize];
    /// <summary>runnext: only the owner CASes it to a g; anyone may CAS it to null.</summary>
    public G* RunNext;

    /// <summary>cap(p.sudogcache) in Go (runtime2.go: <c>sudogcache []*sudog; sudogbuf [128]*sudog</c>).</summary>
    public const int SudogCacheSize = 128;
    /// <summary>p.sudogcache: free sudogs, a stack of <see cref="SudogCacheN"/> entries. Owner only.</summary>
    public fixed long SudogCache[SudogCacheSize];
    public int SudogCacheN;
}
