using System.Text;
using Conformance.Refinement;
using Model.Workload;

namespace Conformance.Reports;

/// <summary>The report for people: what broke and where, the workload, both states side by side, how to replay.</summary>
public static class MarkdownReport
{
    /// <summary>How many events before the violation the excerpt shows.</summary>
    public const int ExcerptBefore = 30;

    public static string Write(ViolationReport report, IReadOnlyList<TransitionEdge> neverReached)
    {
        var r = report.Result;
        var v = r.Violation ?? throw new ArgumentException("a report needs a violation", nameof(report));
        var sb = new StringBuilder();
        sb.Append("# Conformance violation: ").Append(Title(v)).Append("\n\n");
        sb.Append("| | |\n|---|---|\n");
        sb.Append("| kind | `").Append(v.Kind).Append("` |\n");
        if (v.Invariant is not null) sb.Append("| invariant | ").Append(Cell(v.Invariant)).Append(" |\n");
        sb.Append("| where | ").Append(v.EventIndex >= 0 ? $"event {v.EventIndex} of {r.Trace.Length}"
            : v.Crash is not null ? $"after event {r.Trace.Length - 1} (the last one recorded)" : "the outcome").Append(" |\n");
        sb.Append("| GOMAXPROCS | ").Append(r.Procs).Append(" |\n");
        sb.Append("| schedule seed | ").Append(r.Seed).Append(" |\n");
        if (r.Mutant.Length > 0) sb.Append("| runtime mutant | `").Append(r.Mutant).Append("` |\n");
        sb.Append("| build | `").Append(Replay.BuildId.Current).Append("` |\n");
        sb.Append("| found by | ").Append(Cell(report.Context)).Append(" |\n");
        if (report.Original is not null)
            sb.Append("| shrunk | ").Append(report.ShrinkSteps).Append(" steps, from ").Append(Ops(report.Original)).Append(" ops to ").Append(Ops(r.Workload)).Append(" |\n");
        sb.Append('\n');

        sb.Append("## What went wrong\n\n").Append(v.Message).Append("\n\n");
        if (v.Event is { } ev) sb.Append("- runtime event: `").Append(TraceFormat.Describe(ev)).Append("`\n");
        if (v.Expected is not null) sb.Append("- the model expected: `").Append(v.Expected.Replace("`", "'")).Append("`\n");
        if (r.ModelOutcome is not null) sb.Append("- model outcome: ").Append(r.ModelOutcome).Append('\n');
        if (r.RuntimeOutcome is not null) sb.Append("- runtime outcome: ").Append(r.RuntimeOutcome).Append('\n');
        sb.Append('\n');

        if (v.Crash is { } crash)
        {
            sb.Append("## How the worker process ended\n\n");
            sb.Append("| | |\n|---|---|\n");
            sb.Append("| status | ").Append(Cell(crash.Status)).Append(" |\n");
            if (crash.Signal is not null) sb.Append("| signal | `").Append(crash.Signal).Append("` |\n");
            if (crash.ExitCode is { } code) sb.Append("| exit code | ").Append(code).Append(" |\n");
            sb.Append("| while | ").Append(Cell(crash.Phase)).Append(" |\n");
            sb.Append("| worker pid | ").Append(crash.Pid).Append(" |\n");
            sb.Append("| verdict after | ").Append(crash.AfterRequest.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)).Append(" s from sending the run |\n");
            sb.Append("| trace | ").Append(r.Trace.Length).Append(" events recorded before it ended (read from the shared trace region, which survives the process) |\n\n");
            if (crash.StderrTail.Length > 0)
            {
                sb.Append("The last lines it wrote to stderr:\n\n```\n");
                foreach (var line in crash.StderrTail) sb.Append(line.Replace("```", "` ` `")).Append('\n');
                sb.Append("```\n\n");
            }
            else
            {
                sb.Append("It wrote nothing to stderr.\n\n");
            }
        }

        sb.Append("## Reproduce\n\n```sh\n").Append(report.ReplayCommand).Append("\n```\n\n");

        sb.Append("## The workload").Append(report.Original is null ? "" : " (shrunk)").Append("\n\n```\n")
          .Append(WorkloadPrinter.Print(r.Workload)).Append("```\n\n");

        if (v.ModelState is not null || v.RuntimeState is not null)
        {
            sb.Append("## The two states at the violation\n\nRows marked **≠** differ.\n\n");
            sb.Append("| | state | model (after its step) | runtime (abstracted, up to the event) |\n|---|---|---|---|\n");
            foreach (var row in StateView.Diff(v.ModelState ?? StateView.Empty, v.RuntimeState ?? StateView.Empty))
            {
                var mark = row.Differs ? "**≠**" : "";
                var left = row.Differs ? $"**{Cell(row.Left ?? "—")}**" : Cell(row.Left ?? "—");
                var right = row.Differs ? $"**{Cell(row.Right ?? "—")}**" : Cell(row.Right ?? "—");
                sb.Append("| ").Append(mark).Append(" | `").Append(row.Key).Append("` | ").Append(left).Append(" | ").Append(right).Append(" |\n");
            }
            sb.Append('\n');
        }

        if (r.Trace.Length > 0)
        {
            var at = v.EventIndex >= 0 ? Math.Min(v.EventIndex, r.Trace.Length - 1) : r.Trace.Length - 1;
            var from = Math.Max(0, at - ExcerptBefore);
            sb.Append("## The trace up to the violation\n\n");
            if (from > 0) sb.Append("(").Append(from).Append(" earlier events are in `trace.json` and `report.json`.)\n\n");
            sb.Append("```\n");
            for (var i = from; i <= at; i++)
            {
                sb.Append(i == v.EventIndex ? "► " : "  ").Append(i.ToString().PadLeft(5)).Append("  ")
                  .Append(TraceFormat.Describe(r.Trace[i])).Append('\n');
            }
            sb.Append("```\n\n");
        }

        sb.Append("## Files\n\n");
        sb.Append("- `report.json`: this report for machines, with the whole trace.\n");
        sb.Append("- `trace.json`: gs on Ms and Ps over time, the violation marked; open it in https://ui.perfetto.dev or chrome://tracing.\n");
        sb.Append("- `transitions.dot`: the g status graph with how often the campaign took each edge; `dot -Tsvg transitions.dot -o transitions.svg`.\n");
        if (neverReached.Count > 0)
            sb.Append("  Edges never reached so far: ").Append(string.Join(", ", neverReached.Select(e => $"{e.Id} ({TraceFormat.GStatusName(e.From)}→{TraceFormat.GStatusName(e.To)}, {e.Via})"))).Append(".\n");
        return sb.ToString();
    }

    private static string Title(Violation v) => v.Kind switch
    {
        ViolationKind.InvariantBroken => $"invariant \"{v.Invariant}\" broken",
        ViolationKind.OutcomeMismatch => "the run ended differently",
        ViolationKind.RuntimeFault => "the runtime failed",
        ViolationKind.RuntimeCrash => $"the runtime crashed ({v.Crash?.Signal ?? v.Crash?.Status ?? "its process died"})",
        ViolationKind.RuntimeHang => "the runtime hung",
        _ => $"event {v.EventIndex} does not refine the model",
    };

    private static int Ops(Workload w)
    {
        static int Count(Block b) => b.Sum(op => 1 + op switch { CallOp c => Count(c.Body), RepeatOp r => Count(r.Body), _ => 0 });
        return w.Bodies.Sum(b => Count(b.Ops));
    }

    private static string Cell(string s) => s.Replace("|", "\\|").Replace("\n", " ");
}
