using System.Globalization;
using System.Text;
using Conformance.Refinement;

namespace Conformance.Reports;

/// <summary>
/// The status-transition graph as Graphviz DOT: each legal edge of the model's table labelled with its name, the Go
/// function that takes it and how often the campaign took it; edges never reached are dashed and grey; edges the
/// runtime took that the table does not have are drawn bold red.
/// </summary>
public static class TransitionGraph
{
    public static string ToDot(IReadOnlyList<TransitionEdge> edges, TransitionCoverage coverage, string title = "g status transitions")
    {
        var sb = new StringBuilder();
        sb.Append("digraph gstatus {\n");
        sb.Append("  label=").Append(Quote(title)).Append(";\n  labelloc=t;\n  rankdir=LR;\n");
        sb.Append("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n");

        var taken = coverage.Snapshot().ToDictionary(k => k.Key, k => k.Value);
        var statuses = edges.SelectMany(e => new[] { e.From, e.To }).Concat(taken.Keys.SelectMany(k => new[] { k.From, k.To })).Distinct().Order();
        foreach (var s in statuses)
            sb.Append("  ").Append(Node(s)).Append(" [label=").Append(Quote($"{TraceFormat.GStatusName(s)} ({s})")).Append("];\n");

        var legal = new HashSet<(int, int)>();
        foreach (var e in edges)
        {
            legal.Add((e.From, e.To));
            var n = taken.GetValueOrDefault((e.From, e.To));
            sb.Append("  ").Append(Node(e.From)).Append(" -> ").Append(Node(e.To)).Append(" [label=");
            if (n > 0)
            {
                sb.Append(Quote($"{e.Id} {e.Via}\n×{n.ToString("N0", CultureInfo.InvariantCulture)}"));
                sb.Append(", penwidth=").Append(Math.Clamp(1 + Math.Log10(n), 1, 6).ToString("0.0", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(Quote($"{e.Id} {e.Via}\nnever reached")).Append(", style=dashed, color=grey50, fontcolor=grey50");
            }
            sb.Append("];\n");
        }
        foreach (var ((from, to), n) in taken.OrderBy(k => k.Key))
        {
            if (legal.Contains((from, to))) continue;
            sb.Append("  ").Append(Node(from)).Append(" -> ").Append(Node(to))
              .Append(" [label=").Append(Quote($"ILLEGAL\n×{n.ToString("N0", CultureInfo.InvariantCulture)}"))
              .Append(", color=red, fontcolor=red, penwidth=3];\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>The legal edges the coverage never saw.</summary>
    public static IReadOnlyList<TransitionEdge> NeverReached(IReadOnlyList<TransitionEdge> edges, TransitionCoverage coverage) =>
        [.. edges.Where(e => coverage.Count(e.From, e.To) == 0)];

    private static string Node(int status) => $"s{status}";

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
