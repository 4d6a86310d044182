using Model.Workload;

namespace Conformance.GoSide;

/// <summary>Workloads without time-dependent ops: every <c>syscall</c> removed (on one P a syscall matters only through
/// sysmon's retake, which depends on time), and every <c>sleep</c> and <c>io</c> (the model's clock is virtual, Go's
/// is real).</summary>
public static class SyscallFree
{
    public static Workload Of(Workload w) => new(w.Bodies.Select(b => b with { Ops = Strip(b.Ops) }), w.Channels);

    public static bool Has(Workload w) => w.Bodies.Any(b => HasIn(b.Ops));

    private static bool TimeDependent(Op op) => op is SyscallOp or SleepOp or IoOp;

    private static Block Strip(Block b) => new(b.Ops.Where(op => !TimeDependent(op)).Select(op => op.Nested is { } inner ? op.WithNested(Strip(inner)) : op));

    private static bool HasIn(Block b) => b.Ops.Any(op => TimeDependent(op) || (op.Nested is { } inner && HasIn(inner)));
}
