namespace Conformance.Refinement;

/// <summary>
/// A disagreement between the model and the runtime that is known, understood and waived for now (a baseline, as
/// static analysers keep one): each is matched narrowly, counted every time it is waived, and listed in every summary,
/// so the checker can go past it and find what lies deeper. Nothing is waived unless asked (`checker check
/// --waive-known`): all three entries below were resolved on one side or the other while this was written, and stay as the
/// record of what differed (and as a tool for the next disagreement). Each says which side differed from Go and how.
/// </summary>
/// <param name="Id">Short name used in summaries and JSON.</param>
/// <param name="What">The difference, with the Go source it is measured against.</param>
/// <param name="Fix">Which side should change, and how.</param>
public sealed record KnownDifference(string Id, string What, string Fix)
{
    /// <summary>goexit's mcall: Go saves goexit1's frame pointer (nonzero); the native goexit1 stub has no frame, so bp = 0.</summary>
    public static readonly KnownDifference GoexitBp = new("goexit-bp",
        "GobufSave at goexit: the model saves bp = the top frame (Go's mcall saves goexit1's BP, goexit1 being a Go function with a frame); " +
        "the runtime saves bp = 0 (Native/Amd64/Goexit.cs: goexit1 is a frameless stub)",
        "runtime: give goexit1 a frame (push rbp; mov rbp, rsp) before its mcall, or model: save bp = 0 at goexit");

    /// <summary>reentersyscall: Go re-saves the caller's pc/sp after every systemstack (B5: sched.pc == syscallpc).</summary>
    public static readonly KnownDifference EnterSyscallPc = new("entersyscall-pc",
        "GobufSave at entersyscall: the model saves pc = the syscall op (Go's reentersyscall calls save(pc, sp) with the caller's pc, " +
        "invariant B5: sched.pc == syscallpc); the runtime leaves systemstack's own pc (systemstack_switch)",
        "runtime: in entersyscall, write the syscall op's resume pc into g.sched.pc (and syscallpc) after the systemstack switch");

    /// <summary>PStatus events of a P taken from an M in a syscall carry P = -1 instead of the P.</summary>
    public static readonly KnownDifference PStatusWithoutP = new("pstatus-p",
        "PStatus of a P whose M is in a syscall: TraceEvent.cs says P = the P; the runtime records the M's P, which is none (-1)",
        "runtime: record the P whose status changes in PStatus events");

    /// <summary>Every waiver, in the order summaries list them.</summary>
    public static readonly IReadOnlyList<KnownDifference> All = [GoexitBp, EnterSyscallPc, PStatusWithoutP];
}
