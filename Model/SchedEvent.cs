namespace Model;

/// <summary>
/// The event alphabet of ARCHITECTURE.md, with the same kinds, numbers and argument meanings as the runtime's
/// <c>Implementation.Trace.TraceKind</c>, so that Conformance compares the two field by field. Where the model's
/// values are abstract the kind says so.
/// </summary>
public enum SchedEventKind : byte
{
    /// <summary>newproc1 created a g. G = parent goid (0 for main); A = child goid; B = body index; C = stack size in
    /// bytes (the model has no addresses: C is hi−lo, not lo); D = 0.</summary>
    GoCreate = 1,
    /// <summary>execute. G = goid; A = 1 if inheritTime (came from runnext) else 0.</summary>
    GoStart,
    /// <summary>gosched_m. G = goid.</summary>
    GoSched,
    /// <summary>park_m on a semaphore. G = goid; A = semaphore index.</summary>
    GoBlock,
    /// <summary>ready. G = readied goid; A = the releasing goid; B = semaphore index.</summary>
    GoUnblock,
    /// <summary>entersyscall. G = goid.</summary>
    GoSysCall,
    /// <summary>exitsyscall. G = goid; A = 1 fast path, 0 slow path (exitsyscall0).</summary>
    GoSysExit,
    /// <summary>goexit1. G = goid.</summary>
    GoEnd,
    /// <summary>casgstatus. G = goid at that moment (1.19 assigns a new g's goid after E3, so E2/E3 carry the old
    /// goid, 0 for a fresh g); A = old status; B = new status; C = edge number.</summary>
    Status,
    /// <summary>runqput into the ring. G = goid; A = head; B = tail after.</summary>
    RunqPut,
    /// <summary>runqput(next=true). G = goid; A = evicted goid or 0.</summary>
    RunnextPut,
    /// <summary>runqget. G = goid; A = head after; B = tail; C = 1 if from runnext.</summary>
    RunqGet,
    /// <summary>runqputslow. G = the new g; A = number moved (129); B = head after; C = global queue size after.</summary>
    RunqPutSlow,
    /// <summary>runqsteal. G = g returned; A = victim P; B = number taken; C = victim head after; D = 1 if runnext.</summary>
    RunqSteal,
    /// <summary>globrunqput. G = goid; A = global size after.</summary>
    GlobRunqPut,
    /// <summary>globrunqget. G = g returned; A = number taken; B = global size after.</summary>
    GlobRunqGet,
    /// <summary>gfput. G = goid; A = local gFree count after the push (64 when it then spills 33 to the global lists).</summary>
    GfPut,
    /// <summary>gfget. G = goid before reuse; A = local gFree count after.</summary>
    GfGet,
    /// <summary>A switch saved g.sched (mcall, systemstack, morestack, reentersyscall's save). G = goid; A = abstract
    /// sp (frame level, see <see cref="Gobuf"/>); B = <see cref="AbstractPc.Code"/>; C = abstract bp.</summary>
    GobufSave,
    /// <summary>gogo. G = goid; A = <see cref="AbstractPc.Code"/> jumped to.</summary>
    GobufLoad,
    /// <summary>A semaphore count changed without a handoff. A = semaphore index; B = count after.</summary>
    SemCount,
    /// <summary>A P changed status. P = the P; A = old; B = new (Go's P numbers).</summary>
    PStatus,
}

/// <summary>One event of a model step. <see cref="M"/> is -1 for sysmon; <see cref="P"/> is -1 when the M holds none.</summary>
public readonly record struct SchedEvent(SchedEventKind Kind, int M, int P, long G, long A = 0, long B = 0, long C = 0, long D = 0)
{
    public override string ToString() => Kind switch
    {
        SchedEventKind.Status => $"Status g{G} {((GStatus)A).GoName()}->{((GStatus)B).GoName()} E{C}",
        SchedEventKind.PStatus => $"PStatus p{P} {A}->{B}",
        _ => $"{Kind} g{G} {A} {B} {C} {D}",
    } + $" (m{M} p{P})";
}
