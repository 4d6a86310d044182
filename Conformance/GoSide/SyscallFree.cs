using Model.Workload;

namespace Conformance.GoSide;

/// <summary>Workloads without time-dependent ops: every <c>syscall</c> removed (on one P a syscall matters only through
/// sysmon's retake, which depends on time), and every <c>sleep</c> and <c>io</c> (the model's clock is virtual, Go's
/// is real).</summary>
public static class SyscallFree
{
    public static Workload Of(Workload w) => new(w.Bodies.Select(b => b with { Ops = Strip(b.Ops) }));

    public static bool Has(Workload w) => w.Bodies.Any(b => HasIn(b.Ops));

    private static Block Strip(Block b) => new(b.Ops.Where(op => op is not (SyscallOp or SleepOp)).Select(op => op switch
    {
        CallOp c => c with { Body = Strip(c.Body) },
        RepeatOp r => r with { Body = Strip(r.Body) },
        _ => op,
    }));

    private static bool HasIn(Block b) => b.Ops.Any(op => op switch
    {
        SyscallOp or SleepOp => true,
        CallOp c => HasIn(c.Body),
        RepeatOp r => HasIn(r.Body),
        _ => false,
    });
}
