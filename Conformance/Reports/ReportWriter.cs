using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Conformance.Reports;

/// <summary>
/// Writes the four files of a violation report into a new folder <c>&lt;root&gt;/&lt;UTC time&gt;-&lt;id&gt;/</c>:
/// report.md, report.json, trace.json (Perfetto) and transitions.dot.
/// </summary>
public static class ReportWriter
{
    /// <summary>Where reports go unless told otherwise (relative to the current directory).</summary>
    public const string DefaultRoot = "checker-reports";

    /// <summary>Writes the report and returns the folder it is in.</summary>
    public static string Write(ViolationReport report, IReadOnlyList<TransitionEdge> edges, TransitionCoverage coverage, string root = DefaultRoot)
    {
        var token = report.Result.Token.Encode();
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var dir = Path.Combine(root, $"{stamp}-{id}");
        Directory.CreateDirectory(dir);
        var never = TransitionGraph.NeverReached(edges, coverage);
        File.WriteAllText(Path.Combine(dir, "report.md"), MarkdownReport.Write(report, never));
        File.WriteAllText(Path.Combine(dir, "report.json"), JsonReport.Write(report, never));
        File.WriteAllText(Path.Combine(dir, "trace.json"),
            PerfettoTrace.Write(report.Result.Trace, report.Result.Violation, $"checker: {report.Result.Verdict}"));
        File.WriteAllText(Path.Combine(dir, "transitions.dot"), TransitionGraph.ToDot(edges, coverage));
        return dir;
    }
}
