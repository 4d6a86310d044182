using System.Globalization;
using System.Security;
using System.Text;
using Bench.Peers;

namespace Bench.Rendering;

/// <summary>
/// The comparison as a horizontal grouped bar chart in SVG, hand-written (no dependencies). One group per operation,
/// one bar per series (ours first, then each peer), log-scale x axis with decade grid lines. Time rows share one
/// panel and axis (ns); the bytes row gets its own panel and axis. Missing figures show their note instead of a bar.
/// </summary>
public static class SvgChart
{
    const int Width = 960;
    const int Left = 20;          // margin
    const int LabelWidth = 160;   // series names
    const int BarArea = 520;      // the log axis spans this
    const int BarHeight = 14;
    const int BarGap = 4;
    const int GroupTitle = 22;
    const int GroupGap = 12;
    const int PanelTitle = 44;    // panel title + axis labels
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the chart.</summary>
    public static string Render(ComparisonReport report)
    {
        var panels = new List<(string Title, List<ComparisonRow> Rows)>
        {
            ("Time per operation (ns, log scale; shorter is better)", report.Rows.Where(r => r.Unit != "bytes").ToList()),
            ("Memory per parked goroutine (bytes, log scale; shorter is better)", report.Rows.Where(r => r.Unit == "bytes").ToList()),
        };
        panels.RemoveAll(p => p.Rows.Count == 0);

        var body = new StringBuilder();
        var y = 64;
        foreach (var (title, rows) in panels) y = Panel(body, title, rows, y);
        var height = y + 10;

        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
        sb.Append(Inv, $"<rect x=\"0\" y=\"0\" width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        sb.Append(Inv, $"<text x=\"{Left}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Checker's runtime against its peers{(report.Quick ? " (--quick)" : "")}</text>\n");
        sb.Append(Inv, $"<text x=\"{Left}\" y=\"44\" font-size=\"11\" fill=\"#555555\">{Esc(TableRenderer.MachineLine(report.Machine))}</text>\n");
        sb.Append(body);
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    static int Panel(StringBuilder sb, string title, List<ComparisonRow> rows, int y)
    {
        var values = rows.SelectMany(Series).Select(s => s.Result.Value).OfType<double>().Where(v => v > 0).ToList();
        var lo = values.Count == 0 ? 0 : (int)Math.Floor(Math.Log10(values.Min()));
        var hi = values.Count == 0 ? 1 : (int)Math.Ceiling(Math.Log10(values.Max()));
        if (hi <= lo) hi = lo + 1;
        double X(double v) => Left + LabelWidth + (Math.Log10(v) - lo) / (hi - lo) * BarArea;

        sb.Append(Inv, $"<text x=\"{Left}\" y=\"{y + 16}\" font-size=\"13\" font-weight=\"bold\">{Esc(title)}</text>\n");
        var top = y + PanelTitle;
        var groupsHeight = rows.Sum(r => GroupTitle + Series(r).Count() * (BarHeight + BarGap) + GroupGap);
        var bottom = top + groupsHeight - GroupGap;
        for (var d = lo; d <= hi; d++)
        {
            var x = X(Math.Pow(10, d));
            sb.Append(Inv, $"<line x1=\"{x:0.#}\" y1=\"{top - 6}\" x2=\"{x:0.#}\" y2=\"{bottom}\" stroke=\"#dddddd\"/>\n");
            sb.Append(Inv, $"<text x=\"{x:0.#}\" y=\"{top - 10}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555555\">{Esc(Format.Value(Math.Pow(10, d), rows[0].Unit))}</text>\n");
        }

        var gy = top;
        foreach (var row in rows)
        {
            sb.Append(Inv, $"<text x=\"{Left}\" y=\"{gy + 15}\" font-weight=\"bold\">{Esc(row.Operation)}</text>\n");
            gy += GroupTitle;
            foreach (var (name, result) in Series(row))
            {
                var isOurs = name == "ours";
                sb.Append(Inv, $"<text x=\"{Left + LabelWidth - 8}\" y=\"{gy + BarHeight - 3}\" text-anchor=\"end\"{(isOurs ? " font-weight=\"bold\"" : "")}>{Esc(name)}</text>\n");
                if (result.Value is double v && v > 0)
                {
                    var x0 = Left + LabelWidth;
                    var w = Math.Max(1.5, X(v) - x0);
                    sb.Append(Inv, $"<rect x=\"{x0}\" y=\"{gy}\" width=\"{w:0.#}\" height=\"{BarHeight}\" fill=\"{Colour(name)}\"><title>{Esc($"{row.Operation}, {name}: {Format.Value(v, row.Unit)} {row.Unit}")}</title></rect>\n");
                    var label = Format.Value(v, row.Unit) + " " + Format.UnitLabel(row.Unit);
                    if (!isOurs && ComparisonRow.Ratio(row.Ours, result) is double r) label += $" ({Format.Ratio(r)} ours)";
                    sb.Append(Inv, $"<text x=\"{x0 + w + 5:0.#}\" y=\"{gy + BarHeight - 3}\" font-size=\"11\">{Esc(label)}</text>\n");
                }
                else
                {
                    sb.Append(Inv, $"<text x=\"{Left + LabelWidth + 4}\" y=\"{gy + BarHeight - 3}\" font-size=\"11\" font-style=\"italic\" fill=\"#888888\">{Esc(result.Note ?? "n/a")}</text>\n");
                }
                gy += BarHeight + BarGap;
            }
            gy += GroupGap;
        }
        return bottom + 16;
    }

    static IEnumerable<(string Name, Measurement Result)> Series(ComparisonRow row) =>
        row.Peers.Select(p => (p.Peer, p.Result)).Prepend(("ours", row.Ours));

    /// <summary>One colour per family: ours blue, Go cyan, .NET purple, the C/C++ switches grey.</summary>
    public static string Colour(string series) => series switch
    {
        "ours" => "#1f5fbf",
        "go" => "#00add8",
        _ when series.StartsWith("dotnet", StringComparison.Ordinal) => "#8e5bc9",
        _ => "#7a7a7a",
    };

    static string Esc(string s) => SecurityElement.Escape(s);
}
