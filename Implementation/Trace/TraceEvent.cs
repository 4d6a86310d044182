using System.Runtime.InteropServices;

namespace Implementation.Trace;

/// <summary>
/// The event alphabet of ARCHITECTURE.md, as the native runtime records it. Names follow Go's execution tracer
/// where it has one. The meaning of <see cref="TraceEvent.A"/>..<see cref="TraceEvent.D"/> is given per kind.
/// </summary>
public enum TraceKind : byte
{
    /// <summary>newproc1 created a g. G = parent goid (0: the runtime itself, for main); A = child goid;
    /// B = body index; C = stack.lo; D = stack.hi. Recorded after E3 (whose Status event already names the child goid:
    /// the goid is assigned before E3, as Go tip does).</summary>
    GoCreate = 1,
    /// <summary>execute: Runnable → Running, then gogo. G = goid; A = 1 if inheritTime (runnext) else 0.</summary>
    GoStart,
    /// <summary>gosched_m: Running → Runnable, globrunqput. G = goid.</summary>
    GoSched,
    /// <summary>park_m on a semaphore. G = goid; A = semaphore index (order of first appearance in the workload).</summary>
    GoBlock,
    /// <summary>ready. G = the readied goid; A = the goid of the g that readied it; B = semaphore index.</summary>
    GoUnblock,
    /// <summary>entersyscall. G = goid.</summary>
    GoSysCall,
    /// <summary>exitsyscall. G = goid; A = 1 fast path (kept or reacquired a P), 0 slow path (exitsyscall0).</summary>
    GoSysExit,
    /// <summary>goexit0: Running → Dead, gfput. G = goid.</summary>
    GoEnd,
    /// <summary>Every casgstatus. G = goid; A = old status; B = new status (Go's numbers); C = the edge's number (E1..).</summary>
    Status,
    /// <summary>runqput into the ring (next=false, or an evicted runnext). G = goid; A = head; B = tail after the put.</summary>
    RunqPut,
    /// <summary>runqput(next=true) into runnext. G = goid; A = evicted goid or 0.</summary>
    RunnextPut,
    /// <summary>runqget. G = goid; A = head after; B = tail; C = 1 if it came from runnext.</summary>
    RunqGet,
    /// <summary>runqputslow moved a batch to the global queue. G = the new g (the one that did not fit); A = number
    /// moved (129: the 128 oldest of the ring, then G); B = the ring's head after; C = global queue size after.</summary>
    RunqPutSlow,
    /// <summary>runqsteal by P from victim. G = the g returned to run; A = victim P; B = number taken; C = victim head after;
    /// D = 1 if runnext was taken.</summary>
    RunqSteal,
    /// <summary>globrunqput (tail). G = goid; A = global queue size after.</summary>
    GlobRunqPut,
    /// <summary>globrunqget. G = the g returned; A = number taken in the batch; B = global queue size after.</summary>
    GlobRunqGet,
    /// <summary>gfput. G = goid (of the dead g); A = local gFree count after.</summary>
    GfPut,
    /// <summary>gfget. G = goid the g had before reuse; A = local gFree count after.</summary>
    GfGet,
    /// <summary>What a switch stub saved into g.sched. G = goid; A = sp; B = pc; C = bp; D = the McallReason number when
    /// recorded after an mcall (1 Gosched, 2 Park, 3 Exit, 4 ExitSyscall, 5 Morestack, 0 Bad), or -1 for the save
    /// systemstack made at entersyscall (B5: syscallsp/pc = these).</summary>
    GobufSave,
    /// <summary>gogo is about to restore g.sched (and clear sp/ctxt/ret/bp). G = goid; A = pc jumped to; B = sp and
    /// C = bp it loads (recorded on g0 just before the entry stub runs gogo).</summary>
    GobufLoad,
    /// <summary>A semaphore's count changed without a handoff (an acquire that did not park, a release with no
    /// waiter). G = the goid doing it; A = semaphore index; B = count after.</summary>
    SemCount,
    /// <summary>A P changed status (acquirep/wirep, releasep, entersyscall, exitsyscallfast's CAS, sysmon's retake).
    /// The event's P field is the P whose status changed (for this kind only; elsewhere it is the recording M's P);
    /// A = old status; B = new status (Go's P numbers); C = the P's id again. sysmon's retake records with M id 10000.</summary>
    PStatus,
}

/// <summary>
/// One recorded event: 56 bytes, written into a per-M preallocated buffer. <see cref="Seq"/> is a global sequence
/// number taken at the operation's linearization point, so merging the per-M buffers by Seq gives a total order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct TraceEvent
{
    public ulong Seq;
    public TraceKind Kind;
    /// <summary>The M (thread) id that recorded the event.</summary>
    public short M;
    /// <summary>The P the M held, or -1.</summary>
    public short P;
    /// <summary>The goid the event is about (see the kind), or 0.</summary>
    public long G;
    public long A;
    public long B;
    public long C;
    public long D;

    public override readonly string ToString() => $"#{Seq} {Kind} m{M} p{P} g{G} {A} {B} {C} {D}";
}
