using System.Diagnostics;
using Implementation.Trace;
using Native;
using Native.Layout;

namespace Implementation;

/// <summary>
/// Cooperative preemption, as Go 1.19 does it without its asynchronous signals: sysmon's retake asks a g that has
/// run 10 ms on its P to stop (preemptone: gp.preempt, stackguard0 = stackPreempt); the g's next checked prologue
/// fails, morestack calls newstack, and newstack, seeing stackPreempt, calls gopreempt_m (E7, the global run queue).
/// A <c>work</c> loop with no call inside has no prologue to check, so it cannot be preempted this way, as in Go
/// before 1.14. The model's twin is Model/Stepper.Sysmon.cs (preemptone, the Preempt action) and
/// Model/Stepper.Stack.cs (newstack's preempt path).
/// </summary>
internal sealed unsafe partial class Sched
{
    /// <summary>Go's forcePreemptNS (proc.go): the time slice a g may keep its P before sysmon preempts it.</summary>
    private static readonly long s_forcePreemptTicks = Stopwatch.Frequency / 100;

    /// <summary>In a controlled run, 1 in this many resume points of a g that can be preempted gets sysmon's request
    /// (the controlled run has no clock, so "it has run 10 ms" is a recorded choice, as the model's Preempt action is
    /// a choice). Rare enough that most stretches of user code run uninterrupted, as most do in Go.</summary>
    internal const int PreemptOdds = 8;

    /// <summary>Per body: whether it has a <c>call</c> (Model.Workload.Body.HasCall), so a request could be delivered.</summary>
    private bool[] _bodyHasCall = [];

    /// <summary>_StackGuard of this run's stacks: Go's 928 for growable stacks, StackPool's for fixed ones.</summary>
    private nint StackGuardBytes => _goStacks != null ? GoStacks.StackGuard : StackPool.StackGuard;

    private void InitPreemption() =>
        _bodyHasCall = Program.Workload.Bodies.Select(b => b.HasCall).ToArray();

    /// <summary>
    /// A controlled run's sysmon, at a point where <paramref name="gp"/> is about to resume its user code on
    /// <paramref name="mp"/> (after execute, or after a runtime service that lets it go on): the recorded choice of
    /// whether sysmon preempts it now. Offered exactly where the model's Preempt action is enabled: a Running g, no
    /// request pending (stackguard0 already stackPreempt), a body with a call, a time slice that has run user code
    /// (P.SliceFresh: not right after an execute that began a new slice).
    /// </summary>
    private void OfferPreempt(MState mp, G* gp)
    {
        if (!_controlled || gp->StackGuard0 == StackCheck.StackPreempt || !_bodyHasCall[gp->Body] || mp.P->SliceFresh != 0) return;
        if (_control!.Choose(PreemptOdds, ChoiceKind.Preempt, mp.Id) != 0) return;
        PreemptOne(mp, mp.P, gp);
    }

    /// <summary>Mirrors runtime.preemptone (proc.go, 1.19), the cooperative half: gp.preempt = true and
    /// gp.stackguard0 = stackPreempt (Go 1.19 then signals the M for an asynchronous preemption, which this runtime
    /// does not do). <paramref name="by"/> records the request: sysmon, or in a controlled run the M itself.</summary>
    private void PreemptOne(MState by, P* pp, G* gp)
    {
        gp->Preempt = 1;
        Volatile.Write(ref gp->StackGuard0, StackCheck.StackPreempt);
        if (_tracing && !_fatalEnded)
            by.Trace!.Add(_recorder!.NextSeq(), EventKind.PreemptRequest, (short)pp->Id, gp->Goid, pp->Id, 0, 0, 0);
    }

    /// <summary>
    /// Mirrors retake's preemption check (proc.go, 1.19) for P <paramref name="pp"/> in _Prunning, on the real
    /// sysmon of a free-running run: a schedtick that moved since sysmon's last look restarts the slice; one that has
    /// not moved for forcePreemptNS gets preemptone on the P's m.curg. Returns whether it asked. The read of m.curg
    /// races with the M, as Go's does: the worst case is a request that lands on the next g, which its execute clears.
    /// </summary>
    private bool RetakePreempt(MState sm, P* pp, long now)
    {
        var t = Volatile.Read(ref pp->SchedTick);
        if (pp->SysmonSchedTick != t)
        {
            pp->SysmonSchedTick = t;
            pp->SysmonSchedWhen = now;
            return false;
        }
        if (pp->SysmonSchedWhen + s_forcePreemptTicks > now) return false;
        var m = pp->M;
        if (m == null) return false;
        var gp = m->CurG;
        // Go asks again at every look until the schedtick moves; a request already pending changes nothing, and
        // only the trace would grow.
        if (gp == null || Volatile.Read(ref gp->StackGuard0) == StackCheck.StackPreempt) return false;
        PreemptOne(sm, pp, gp);
        Interlocked.Increment(ref _preemptRequests);
        return true;
    }

    private long _preemptRequests, _preemptions;

    /// <summary>Mirrors runtime.canPreemptM (proc.go): the M holds no runtime lock, is not allocating, has not turned
    /// preemption off, and its P is running. This runtime has no m.locks or m.mallocing while user code runs (its
    /// runtime code runs in C# on g0, where no prologue is checked), so only the P's status can say no.</summary>
    private static bool CanPreemptM(MState mp) => mp.P != null && Volatile.Read(ref mp.P->Status) == (int)PStatus.Running;

    /// <summary>Mirrors runtime.gopreempt_m (proc.go, 1.19): traceGoPreempt, then goschedImpl, as a yield does.</summary>
    private G* GoPreemptM(MState mp, G* gp)
    {
        Interlocked.Increment(ref _preemptions);
        return GoschedImpl(mp, gp, EventKind.GoPreempt);
    }
}
