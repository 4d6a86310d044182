using System.Runtime.CompilerServices;

namespace Model.Contract;

/// <summary>
/// The legal g status edges as one table of data (the mklockrank idea). The model's single choke point
/// <see cref="SchedModel"/>.CasGStatus accepts only these; Conformance reads the table to draw the status graph with
/// its edge coverage. A pair not in the table is a violation ("casgstatus: bad incoming values").
/// </summary>
public static class Transitions
{
    /// <summary>Edge numbers the model's steps use, named for readability at the call sites.</summary>
    public const int Malg = 1, NewProcFresh = 2, NewProc = 3, Execute = 4, Park = 5, Ready = 6, Gosched = 7,
        GoExit = 8, EnterSyscall = 9, ExitSyscallFast = 10, ExitSyscallSlow = 11, NewStackEnter = 12, NewStackLeave = 13;

    /// <summary>Every edge of reference §2.2, E1..E22, in order. Index i holds edge i+1.</summary>
    public static IReadOnlyList<Edge> All { get; } =
    [
        new(1, null, GStatus.Idle, "malg", true, "a fresh g when gfget finds none; the model takes it inside newproc1"),
        new(2, GStatus.Idle, GStatus.Dead, "newproc1, oneNewExtraM", true, "fresh g, before allgadd"),
        new(3, GStatus.Dead, GStatus.Runnable, "newproc1", true, "then runqput(p, newg, next=true)"),
        new(4, GStatus.Runnable, GStatus.Running, "execute", true, "m.curg and g.m set before the CAS; then gogo"),
        new(5, GStatus.Running, GStatus.Waiting, "park_m", true, "semacquire with a zero count; then dropg"),
        new(6, GStatus.Waiting, GStatus.Runnable, "ready, park_m, injectglist, findRunnable", true, "ready from semrelease; runqput(next=true)"),
        new(7, GStatus.Running, GStatus.Runnable, "goschedImpl, goyield_m", true, "gosched_m; then dropg and globrunqput"),
        new(8, GStatus.Running, GStatus.Dead, "goexit0", true, "end of body or exit; then gfput"),
        new(9, GStatus.Running, GStatus.Syscall, "reentersyscall, entersyscallblock", true, "the syscall op"),
        new(10, GStatus.Syscall, GStatus.Running, "exitsyscall", true, "fast path: old P still in _Psyscall, or an idle P"),
        new(11, GStatus.Syscall, GStatus.Runnable, "exitsyscall0", true, "slow path after the P was retaken"),
        new(12, GStatus.Running, GStatus.CopyStack, "newstack", true, "a call frame that does not fit: the stack doubles"),
        new(13, GStatus.CopyStack, GStatus.Running, "newstack", true, "after copystack, then gogo(&gp.sched)"),
        new(14, GStatus.Running, GStatus.ScanPreempted, "preemptPark", false, "no asynchronous preemption in the workload language"),
        new(15, GStatus.ScanPreempted, GStatus.Preempted, "preemptPark", false, "no asynchronous preemption"),
        new(16, GStatus.Preempted, GStatus.Waiting, "suspendG (casGFromPreempted)", false, "no GC, so no suspendG"),
        new(17, GStatus.Runnable, GStatus.ScanRunnable, "suspendG (castogscanstatus)", false, "no GC stack scans (also waiting, syscall)"),
        new(18, GStatus.ScanRunnable, GStatus.Runnable, "resumeG (casfrom_Gscanstatus)", false, "no GC stack scans (also waiting, syscall)"),
        new(19, GStatus.Running, GStatus.ScanRunning, "suspendG", false, "no GC, so no preemption requests"),
        new(20, GStatus.Running, GStatus.Waiting, "GC assist, stopTheWorld, ...", false, "no GC or stop-the-world"),
        new(21, GStatus.Dead, GStatus.Syscall, "needm / dropm", false, "no cgo callbacks"),
        new(22, GStatus.Syscall, GStatus.ScanSyscall, "retake (Δtip)", false, "tip only; 1.19 is the baseline"),
    ];

    /// <summary>
    /// The modelled edges (E2..E13: those the model's steps and the runtime take) as constant data, so that the
    /// runtime's casgstatus folds its legality check at every call site where both statuses are constants. Row = old
    /// status, column = new status, 16 columns (Go's non-scan numbers 0..9 fit); value = the edge number, 0 = not an
    /// edge either side takes. It must say what <see cref="All"/> says of the modelled edges (a test compares them).
    /// </summary>
    public static ReadOnlySpan<byte> ModelledEdges =>
    [
        // Idle → Dead (E2)
        0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // Runnable → Running (E4)
        0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // Running → Runnable (E7), Syscall (E9), Waiting (E5), Dead (E8), CopyStack (E12)
        0, 7, 0, 9, 5, 0, 8, 0, 12, 0, 0, 0, 0, 0, 0, 0,
        // Syscall → Runnable (E11), Running (E10)
        0, 11, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // Waiting → Runnable (E6)
        0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // 5: unused, never entered or left
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // Dead → Runnable (E3)
        0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // 7: unused
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // CopyStack → Running (E13)
        0, 0, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        // Preempted: no modelled edge leaves it
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>The number of the modelled edge <paramref name="from"/> → <paramref name="to"/>, or 0. Constant-folds
    /// when both statuses are constants.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ModelledEdgeNumber(GStatus from, GStatus to)
        => (uint)from < 10 && (uint)to < 16 ? ModelledEdges[(int)from * 16 + (int)to] : 0;

    /// <summary>The edge numbered <paramref name="number"/> (1-based).</summary>
    public static Edge Get(int number) => All[number - 1];

    /// <summary>The modelled edge from <paramref name="from"/> to <paramref name="to"/>, or null: reference §2.2 forbids it
    /// (runnable→waiting, waiting→running, dead→running or waiting, anything into 5 or 7, out of idle except E2).</summary>
    public static Edge? Find(GStatus from, GStatus to)
    {
        foreach (var e in All)
            if (e.From == from && e.To == to) return e;
        return null;
    }

    /// <summary>Whether <paramref name="from"/> → <paramref name="to"/> is an edge of the table.</summary>
    public static bool IsLegal(GStatus from, GStatus to) => Find(from, to) is not null;
}
