using System.Text;
using Bench.Peers;

namespace Bench.Rendering;

/// <summary>
/// The comparison as a table: one line per (operation, peer), the operation and ours shown on its first line.
/// Columns: operation, unit, ours, peer, peer's figure, peer/ours (above 1× means ours is cheaper).
/// </summary>
public static class TableRenderer
{
    /// <summary>The column headers.</summary>
    public static readonly string[] Headers = ["operation", "unit", "ours", "peer", "peer value", "peer/ours"];

    /// <summary>The table's cells, without headers.</summary>
    public static List<string[]> Cells(IReadOnlyList<ComparisonRow> rows)
    {
        var cells = new List<string[]>();
        foreach (var row in rows)
        {
            var ours = Format.Cell(row.Ours, row.Unit);
            if (row.Peers.Count == 0)
            {
                cells.Add([row.Operation, row.Unit, ours, "-", "-", "-"]);
                continue;
            }
            for (var i = 0; i < row.Peers.Count; i++)
            {
                var p = row.Peers[i];
                var ratio = ComparisonRow.Ratio(row.Ours, p.Result);
                cells.Add([
                    i == 0 ? row.Operation : "",
                    i == 0 ? row.Unit : "",
                    i == 0 ? ours : "",
                    p.Peer,
                    Format.Cell(p.Result, row.Unit),
                    ratio is double r ? Format.Ratio(r) : "-",
                ]);
            }
        }
        return cells;
    }

    /// <summary>Plain text for a terminal: the machine, then aligned columns.</summary>
    public static string Text(ComparisonReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Machine: " + MachineLine(report.Machine));
        sb.AppendLine((report.Quick ? "Mode: --quick (fewer iterations; expect more noise)" : "Mode: full") +
                      "; each figure is the " + StatisticText(report.Statistic) + " of its samples");
        sb.AppendLine();
        var all = new List<string[]> { Headers };
        all.AddRange(Cells(report.Rows));
        var widths = Enumerable.Range(0, Headers.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        var numeric = new[] { false, false, true, false, true, true };
        for (var r = 0; r < all.Count; r++)
        {
            var line = string.Join("  ", all[r].Select((s, c) => numeric[c] && r > 0 ? s.PadLeft(widths[c]) : s.PadRight(widths[c])));
            sb.AppendLine(line.TrimEnd());
            if (r == 0) sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        sb.AppendLine();
        AppendLegend(sb, report.Rows, markdown: false);
        return sb.ToString();
    }

    /// <summary>GitHub Markdown: the machine, the table, and what each operation measures.</summary>
    public static string Markdown(ComparisonReport report, string? chartFile)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Checker against its peers");
        sb.AppendLine();
        sb.AppendLine("Measured in one run of `dotnet run --project Bench -c Release -- peers" + (report.Quick ? " --quick" : "") +
                      (report.Statistic == Statistic.Min ? " --min" : "") + "` (each figure the " + StatisticText(report.Statistic) +
                      " of its samples) on " + report.When.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) + ".");
        sb.AppendLine();
        sb.AppendLine("| machine | |");
        sb.AppendLine("|---|---|");
        foreach (var (k, v) in report.Machine.Entries()) sb.AppendLine($"| {k} | {Escape(v)} |");
        sb.AppendLine();
        if (chartFile is not null)
        {
            sb.AppendLine($"![Checker against its peers (log scale, lower is better)]({chartFile})");
            sb.AppendLine();
        }
        sb.AppendLine("| " + string.Join(" | ", Headers) + " |");
        sb.AppendLine("|---|---|--:|---|--:|--:|");
        foreach (var row in Cells(report.Rows)) sb.AppendLine("| " + string.Join(" | ", row.Select(Escape)) + " |");
        sb.AppendLine();
        sb.AppendLine("peer/ours above 1× means Checker's runtime is cheaper. Lower is better in every column.");
        sb.AppendLine();
        AppendLegend(sb, report.Rows, markdown: true);
        return sb.ToString();
    }

    static string StatisticText(Statistic s) => s == Statistic.Min ? "smallest" : "median";

    /// <summary>The machine on one line.</summary>
    public static string MachineLine(MachineInfo m) =>
        $"{m.Cpu}, {m.Cores} cores; {m.Os}, kernel {m.Kernel}; {m.DotNet}; Go {m.Go}; gcc {m.Gcc}; Boost {m.Boost}";

    static void AppendLegend(StringBuilder sb, IReadOnlyList<ComparisonRow> rows, bool markdown)
    {
        foreach (var row in rows)
            sb.AppendLine(markdown ? $"- `{row.Operation}`: {Escape(row.Description)}" : $"{row.Operation}: {row.Description}");
    }

    /// <summary>Markdown-safe text: table pipes escaped, angle brackets as entities (Channel&lt;T&gt; would otherwise vanish as a tag).</summary>
    static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
