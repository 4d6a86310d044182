namespace Implementation.Snapshots;

/// <summary>The seven words of a gobuf as the runtime holds them (raw values: addresses, pcs, the g pointer).</summary>
public readonly record struct GobufWords(long Sp, long Pc, long G, long Ctxt, long Ret, long Lr, long Bp);

/// <summary>Where an M stood when a snapshot was taken (the holder at its switch-back point, the others at the
/// scheduling point where they wait for the baton). It says which of its curg's fields are settled.</summary>
public enum MPosition : byte
{
    /// <summary>On g0 with no curg: in schedule/findRunnable, idle in stopm, or not started.</summary>
    Scheduler = 0,
    /// <summary>Its curg has just switched back into C# (mcall returned to the scheduler loop); the curg's gobuf
    /// holds the save the stub just made, the shadow (when recorded) what the g ran with.</summary>
    SwitchedBack,
    /// <summary>Its curg is inside a systemstack service (newproc, semacquire, ...): the g is still _Grunning and its
    /// gobuf holds systemstack's save.</summary>
    InService,
    /// <summary>execute has made its curg _Grunning and is about to run gogo: the gobuf still holds what gogo will
    /// load (and then clear).</summary>
    BeforeGogo,
}

/// <summary>One g's record (runtime2.go's g, the fields this runtime keeps). Slot: its index in allgs; Self: the record's address (what sched.g must hold); M: the id of the
/// M in g.m, or -1 for nil; Shadow: the gobuf the g ran with, when its M has just switched back and the stubs recorded
/// it; WaitSema: the semaphore it waits on, -1 for none.</summary>
public sealed record GSnapshot(int Slot, long Self, long Goid, GStatus Status, int M, long StackLo, long StackHi, long StackGuard0,
    GobufWords Sched, GobufWords? Shadow, long SyscallSp, int WaitSema, int Body)
{
    /// <summary>How many sends the g has started since newproc1 gave it its goid (g.sendSeq; the value of its next send
    /// is <c>ChanValues.Of(Goid, SendSeq + 1)</c>).</summary>
    public long SendSeq { get; init; }

    /// <summary>g.selectDone: 1 from the moment a waker won the g's parked select until the select's pass 3 clears it.</summary>
    public int SelectDone { get; init; }

    /// <summary>g.waitreason (Go's numbers; <see cref="Model.Contract.WaitReason.None"/> unless Waiting, or parking).</summary>
    public Model.Contract.WaitReason WaitReason { get; init; }

    /// <summary>g.preempt: sysmon's preemption request is pending (stackguard0 = stackPreempt with it).</summary>
    public bool Preempt { get; init; }
}

/// <summary>A sudog on a channel's wait queue: its g's goid, whether it is a select's (isSelect), and the select
/// case it stands for (-1 for a plain send or receive). A select's sudog whose select was already won by another
/// waker (a stale one) is listed until it is popped or taken off by the select's pass 3.</summary>
public readonly record struct WaiterSnapshot(long Goid, bool IsSelect, int CaseIndex);

/// <summary>
/// One hchan (chan.go): Index, the channel's declaration index; QCount, DataQSiz (capacity; 0 = unbuffered), SendX,
/// RecvX and Closed as the record holds them; Buffer, the QCount live values in ring order (oldest first, from
/// recvx); RecvQ and SendQ, the waiting sudogs oldest first.
/// </summary>
public sealed record ChanSnapshot(int Index, long QCount, long DataQSiz, long SendX, long RecvX, bool Closed, long[] Buffer,
    WaiterSnapshot[] RecvQ, WaiterSnapshot[] SendQ);

/// <summary>One P: its status, whether it is on sched.pidle, owner, ring (goids from head to tail), runnext, schedtick, gFree list (goids, top
/// first) and goid cache.</summary>
public sealed record PSnapshot(int Id, PStatus Status, bool OnPidle, int M, uint Head, uint Tail, long[] Ring, long RunNext, uint SchedTick,
    long[] GFree, ulong GoidCache, ulong GoidCacheEnd);

/// <summary>One M: m.curg (goid, 0 for nil), m.p (P id, -1 for nil), m.spinning and where it stood.</summary>
public sealed record MSnapshot(int Id, long Curg, int P, bool Spinning, MPosition Position);

/// <summary>
/// The runtime's real scheduler state at one switch-back point of a controlled run, read from its own records:
/// every g (records unchanged since the previous snapshot are shared with it: only the gs the step touched are read
/// again), every P and M, and the global parts of schedt (the run queue's contents, the gFree list, npidle,
/// nmspinning, nmidle) and of each semaphore (count and waiters, goids in FIFO order).
/// Events: how many trace events had been recorded when it was taken (it shows the state after exactly the trace's
/// first Events events); HolderM: the M at whose switch-back point it was taken.
/// </summary>
public sealed record RuntimeSnapshot(int Events, int HolderM, GSnapshot[] Gs, PSnapshot[] Ps, MSnapshot[] Ms, long[] GlobalRunQ,
    long[] GFree, int NPidle, int NmSpinning, int NmIdle, long[] SemaCounts, long[][] SemaWaiters)
{
    /// <summary>Every channel by declaration index; null for a nil channel (it has no hchan).</summary>
    public ChanSnapshot?[] Chans { get; init; } = [];
}
