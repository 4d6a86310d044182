using System.Runtime.CompilerServices;
using Implementation.Trace;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>
    /// The legal status edges this runtime uses, numbered as go-runtime-reference.md §2.2 numbers them (E2..E11).
    /// Index: old * 8 + new; value: the edge number, 0 = illegal.
    /// </summary>
    /// <remarks>
    /// Kept as constant data (a span over the assembly's static data) so that the JIT folds the lookup at every call
    /// site, where both statuses are constants: the legality check then costs nothing at run time. Row = old status,
    /// column = new status (Idle 0, Runnable 1, Running 2, Syscall 3, Waiting 4, Dead 6). It must equal
    /// <see cref="BuildEdges"/>, which spells the same table out edge by edge (a test compares them).
    /// </remarks>
    private static ReadOnlySpan<byte> Edges =>
    [
        0, 0, 0, 0, 0, 0, 2, 0,   // Idle → Dead (E2)
        0, 0, 4, 0, 0, 0, 0, 0,   // Runnable → Running (E4)
        0, 7, 0, 9, 5, 0, 8, 0,   // Running → Runnable (E7), Syscall (E9), Waiting (E5), Dead (E8)
        0, 11, 10, 0, 0, 0, 0, 0, // Syscall → Runnable (E11), Running (E10)
        0, 6, 0, 0, 0, 0, 0, 0,   // Waiting → Runnable (E6)
        0, 0, 0, 0, 0, 0, 0, 0,   // (5: unused)
        0, 3, 0, 0, 0, 0, 0, 0,   // Dead → Runnable (E3)
        0, 0, 0, 0, 0, 0, 0, 0,   // (7: unused)
    ];

    /// <summary>The edge table of <see cref="Edges"/>, spelled out edge by edge.</summary>
    internal static byte[] BuildEdges()
    {
        var t = new byte[64];
        void Edge(GStatus from, GStatus to, byte n) => t[(int)from * 8 + (int)to] = n;
        Edge(GStatus.Idle, GStatus.Dead, 2);         // E2 newproc1 (fresh g)
        Edge(GStatus.Dead, GStatus.Runnable, 3);     // E3 newproc1
        Edge(GStatus.Runnable, GStatus.Running, 4);  // E4 execute
        Edge(GStatus.Running, GStatus.Waiting, 5);   // E5 park_m
        Edge(GStatus.Waiting, GStatus.Runnable, 6);  // E6 ready
        Edge(GStatus.Running, GStatus.Runnable, 7);  // E7 goschedImpl
        Edge(GStatus.Running, GStatus.Dead, 8);      // E8 goexit0
        Edge(GStatus.Running, GStatus.Syscall, 9);   // E9 entersyscall
        Edge(GStatus.Syscall, GStatus.Running, 10);  // E10 exitsyscall (fast path)
        Edge(GStatus.Syscall, GStatus.Runnable, 11); // E11 exitsyscall0 (slow path)
        return t;
    }

    /// <summary>The edge number of old → new, or 0 when the edge is not legal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int EdgeNumber(GStatus from, GStatus to)
        => (uint)from < 8 && (uint)to < 8 ? Edges[(int)from * 8 + (int)to] : 0;

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
        if (_tracing) Trace(mp, TraceKind.Status, gp->Goid, (long)oldval, (long)newval, edge);
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
