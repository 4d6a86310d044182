using System.Runtime.CompilerServices;
using Implementation.Trace;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>The edge number of old → new (the contract's <see cref="Transitions.ModelledEdges"/>, constant data the
    /// JIT folds where both statuses are constants), or 0 when the edge is not one this runtime may take.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int EdgeNumber(GStatus from, GStatus to) => Transitions.ModelledEdgeNumber(from, to);

    /// <summary>
    /// Mirrors runtime.casgstatus (proc.go): the single choke point for every status change. Rejects old == new and
    /// values outside the status set with Go's "casgstatus: bad incoming values", rejects an edge outside §2.2's set
    /// (Go leaves that to the callers; here it is checked once, for all of them), and fails when the word does not
    /// hold <paramref name="oldval"/> (there is no _Gscan bit to wait out in this runtime, so that is a broken invariant). Must be called by the
    /// edge's owner only (see the note in the body).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void CasGStatus(MState mp, G* gp, GStatus oldval, GStatus newval)
    {
        var edge = EdgeNumber(oldval, newval);
        if (edge == 0) BadStatus(gp, oldval, newval);
        // Go CASes because a GC scanner may hold the _Gscan bit. This runtime has no scanner, and every edge has a
        // single owner (the M running the g, or the M that took it off a queue or a wait list), so a check then a
        // release store is the same operation without the locked instruction on the hot path.
        if (Volatile.Read(ref gp->AtomicStatus) != (uint)oldval) StatusMismatch(gp, oldval, newval);
        Volatile.Write(ref gp->AtomicStatus, (uint)newval);
        if (_tracing)
        {
            Trace(mp, EventKind.Status, gp->Goid, (long)oldval, (long)newval, edge);
            if (_snapshots) MarkDirty(gp);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BadStatus(G* gp, GStatus oldval, GStatus newval)
    {
        if (oldval == newval || !Enum.IsDefined(oldval) || !Enum.IsDefined(newval))
            Fatal($"casgstatus: bad incoming values (goroutine {gp->Goid}: {(uint)oldval} -> {(uint)newval})");
        Fatal($"casgstatus: illegal transition {oldval} -> {newval} (goroutine {gp->Goid})");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void StatusMismatch(G* gp, GStatus oldval, GStatus newval)
    {
        var actual = ReadGStatus(gp);
        if (oldval == GStatus.Waiting && actual == GStatus.Runnable)
            Fatal("casgstatus: waiting for Gwaiting but is Grunnable");
        Fatal($"casgstatus: bad incoming values (goroutine {gp->Goid} is {actual}, expected {oldval} -> {newval})");
    }

    /// <summary>Go's status names for reports ("runnable", "semacquire", ...).</summary>
    internal static string StatusName(GStatus s) => s switch
    {
        GStatus.Idle => "idle",
        GStatus.Runnable => "runnable",
        GStatus.Running => "running",
        GStatus.Syscall => "syscall",
        GStatus.Waiting => "waiting",
        GStatus.Dead => "dead",
        _ => "???",
    };
}
