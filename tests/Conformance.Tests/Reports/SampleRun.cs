using System.Collections.Immutable;
using Conformance.Refinement;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Tests.Reports;

/// <summary>A small hand-made run with a violation, for the report tests.</summary>
internal static class SampleRun
{
    public static readonly Workload Workload = WorkloadParser.Parse("main {\n  go child\n  yield\n}\nchild {\n  syscall 5\n}\n");

    private static ulong _seq;

    private static TraceEvent E(EventKind kind, short m, short p, long g, long a = 0, long b = 0, long c = 0, long d = 0) =>
        new() { Seq = ++_seq, Kind = kind, M = m, P = p, G = g, A = a, B = b, C = c, D = d };

    public static TraceEvent[] Trace()
    {
        _seq = 0;
        return
        [
            E(EventKind.GoCreate, 0, 0, 0, 1, 0, 0x1000, 0x9000),
            E(EventKind.Status, 0, 0, 1, 6, 1, 3),
            E(EventKind.RunnextPut, 0, 0, 1),
            E(EventKind.RunqGet, 0, 0, 1, 0, 0, 1),
            E(EventKind.Status, 0, 0, 1, 1, 2, 4),
            E(EventKind.GoStart, 0, 0, 1),
            E(EventKind.GoCreate, 0, 0, 1, 2, 1, 0xa000, 0x12000),
            E(EventKind.Status, 0, 0, 2, 6, 1, 3),
            E(EventKind.RunnextPut, 0, 0, 2),
            E(EventKind.GobufSave, 0, 0, 1, 0x8f00, 0x4242, 0x8f40),
            E(EventKind.Status, 0, 0, 1, 2, 1, 7),
            E(EventKind.GoSched, 0, 0, 1),
            E(EventKind.GlobRunqPut, 0, 0, 1, 1),
            E(EventKind.RunqGet, 0, 0, 2, 0, 0, 1),
            E(EventKind.Status, 0, 0, 2, 1, 2, 4),
            E(EventKind.GoStart, 0, 0, 2, 1),
            E(EventKind.Status, 0, 0, 2, 2, 3, 9),
            E(EventKind.GoSysCall, 0, 0, 2),
            E(EventKind.PStatus, 0, 0, 0, 1, 2),
            E(EventKind.Status, 0, 0, 2, 3, 4, 0),   // Syscall -> Waiting: not a legal edge
            E(EventKind.GoSysExit, 0, 0, 2, 1),
            E(EventKind.GoEnd, 0, 0, 2),
        ];
    }

    public const int BadIndex = 19;

    public static CheckResult Result()
    {
        var trace = Trace();
        var model = new StateView([new("g1.status", "Runnable"), new("g2.status", "Syscall"), new("p0.runq", "[]"), new("global", "[g1]")]);
        var runtime = new StateView([new("g1.status", "Runnable"), new("g2.status", "Waiting"), new("p0.runq", "[]"), new("global", "[g1]")]);
        var violation = new Violation(ViolationKind.NotEnabled, "event 19: g2 Syscall -> Waiting is not an edge of the model",
            BadIndex, trace[BadIndex], "Status g2 Syscall -> Running (E10) or Syscall -> Runnable (E11)", model, runtime);
        return new CheckResult(Workload, 1, 42, [0, 1, 1, 0], "", trace, BadIndex, null, null, violation, TimeSpan.FromMilliseconds(3));
    }

    public static readonly IReadOnlyList<Conformance.Reports.TransitionEdge> Edges =
    [
        new("E3", 6, 1, "newproc1"),
        new("E4", 1, 2, "execute"),
        new("E5", 2, 4, "park_m"),
        new("E6", 4, 1, "ready"),
        new("E7", 2, 1, "gosched_m"),
        new("E8", 2, 6, "goexit0"),
        new("E9", 2, 3, "entersyscall"),
        new("E10", 3, 2, "exitsyscall"),
        new("E11", 3, 1, "exitsyscall0"),
    ];
}
