namespace Model;

internal static partial class Stepper
{
    /// <summary>Mirrors sysmon's retake (proc.go, 1.19) for a P in _Psyscall: CAS it to _Pidle and handoffp. Time is
    /// abstracted: "the syscall has run long enough" is the choice.</summary>
    internal static void Retake(in StepContext cx, P p)
    {
        p.Status = PStatus.Idle;
        cx.EmitP(p, PStatus.Syscall, PStatus.Idle);
        HandoffP(cx, p);
    }

    /// <summary>
    /// Whether sysmon may preempt P <paramref name="p"/>'s g now (<see cref="SchedActionKind.Preempt"/>): retake's
    /// check of a _Prunning P whose schedtick has not moved for forcePreemptNS (abstracted: the choice, once the slice
    /// has run some user code, <see cref="P.SliceFresh"/>), and
    /// preemptone's: the P has an M whose curg is a user g, here one about to run its user code (an M in schedule has
    /// no curg; Go would set the flag on a g in a syscall too, whose P is then _Psyscall and not retake's to preempt).
    /// Two reductions, both invisible to a trace: a g with a request pending (stackguard0 = stackPreempt) is not asked
    /// again (the second request changes nothing), and a g whose body has no call is not asked at all (no checked prologue could ever deliver
    /// it; the flag would only be cleared by its next execute).
    /// </summary>
    internal static bool MayPreempt(CompiledWorkload code, SchedState s, P p)
    {
        if (p.Status != PStatus.Running || p.M == 0 || p.SliceFresh) return false;
        var m = s.Ms[p.M - 1];
        if (m.Phase != MPhase.Running || m.Curg == 0) return false;
        var g = s.AllGs[m.Curg - 1];
        return g.Status == GStatus.Running && !g.GuardPreempt && code.Bodies[g.Body].HasCall;
    }

    /// <summary>Mirrors runtime.preemptone (proc.go, 1.19) for the cooperative half: gp.preempt = true and
    /// gp.stackguard0 = stackPreempt on P's m.curg. (Go 1.19 also signals the M for an asynchronous preemption; the
    /// workload language has none: a <c>work</c> loop with no call inside cannot be preempted, as before Go 1.14.)</summary>
    internal static void PreemptOne(in StepContext cx, P p)
    {
        var g = cx.S.AllGs[cx.S.Ms[p.M - 1].Curg - 1];
        g.Preempt = true;
        g.GuardPreempt = true;
        cx.EmitOn(p, EventKind.PreemptRequest, g.Goid, p.Id);
    }
}
