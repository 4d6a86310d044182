using System.Text;

namespace Model.Workload;

/// <summary>Prints a workload in the canonical form that <see cref="WorkloadParser"/> reads back to an equal tree.</summary>
public static class WorkloadPrinter
{
    public static string Print(Workload workload)
    {
        var sb = new StringBuilder();
        foreach (var c in workload.Channels)
            sb.Append("chan ").Append(c.Name).Append(' ').Append(c.IsNil ? "nil" : c.Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        foreach (var body in workload.Bodies)
        {
            sb.Append(body.Name).Append(" {\n");
            PrintBlock(sb, body.Ops, 1);
            sb.Append("}\n");
        }
        return sb.ToString();
    }

    /// <summary>The op's own line, without any nested block: "yield", "call 256", "repeat 3".</summary>
    public static string Head(Op op) => op switch
    {
        GoOp g => $"go {g.Body}",
        YieldOp => "yield",
        AcquireOp a => $"acquire {a.Sema}",
        ReleaseOp r => $"release {r.Sema}",
        SyscallOp s => $"syscall {s.Micros}",
        WorkOp w => $"work {w.Iterations}",
        SleepOp s => $"sleep {s.Micros}",
        IoOp io => $"io {io.Micros}",
        CallOp c => $"call {c.FrameBytes}",
        RepeatOp r => $"repeat {r.Count}",
        ExitOp => "exit",
        SendOp s => $"send {s.Chan}",
        RecvOp r => $"recv {r.Chan}",
        CloseOp c => $"close {c.Chan}",
        SelectOp => "select",
        SelectCaseOp { Kind: SelectCaseKind.Default } => "default",
        SelectCaseOp c => $"{(c.Kind == SelectCaseKind.Send ? "send" : "recv")} {c.Chan}",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "unknown op"),
    };

    private static void PrintBlock(StringBuilder sb, Block block, int depth)
    {
        foreach (var op in block)
        {
            sb.Append(' ', depth * 2).Append(Head(op));
            var inner = op.Nested;
            if (inner is null)
            {
                sb.Append('\n');
                continue;
            }
            if (inner.Count == 0)
            {
                sb.Append(" { }\n");
                continue;
            }
            sb.Append(" {\n");
            PrintBlock(sb, inner, depth + 1);
            sb.Append(' ', depth * 2).Append("}\n");
        }
    }
}
