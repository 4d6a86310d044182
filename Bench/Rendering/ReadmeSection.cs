using System.Text.RegularExpressions;
using Bench.Peers;

namespace Bench.Rendering;

/// <summary>
/// Refreshes the results block of a README (between <c>&lt;!-- BEGIN RESULTS</c> and <c>&lt;!-- END RESULTS --&gt;</c>)
/// with the Markdown of a report, the chart linked from <c>results/peers.svg</c> (Bench/README.md's point of view).
/// </summary>
public static partial class ReadmeSection
{
    /// <summary>The block's contents for <paramref name="report"/>: the Markdown table without its title and legend.</summary>
    public static string Render(ComparisonReport report, string chartPath)
    {
        var lines = TableRenderer.Markdown(report, chartPath).Split('\n')
            .Skip(1)                                                   // the "# ..." title
            .Where(l => !l.StartsWith("- `", StringComparison.Ordinal)); // the legend: the README explains the rows itself
        return "### Results\n\n" + string.Join('\n', lines).Trim() + "\n";
    }

    /// <summary>Replaces the block in <paramref name="readme"/>; throws when the markers are missing.</summary>
    public static string Replace(string readme, string block)
    {
        var m = Block().Match(readme);
        if (!m.Success)
            throw new InvalidOperationException("the README has no '<!-- BEGIN RESULTS ... -->' ... '<!-- END RESULTS -->' block");
        return readme[..m.Groups[1].Index] + m.Groups[1].Value + block + readme[(m.Groups[1].Index + m.Groups[1].Length + m.Groups[2].Length)..];
    }

    [GeneratedRegex(@"(<!-- BEGIN RESULTS[^\n]*-->\n)(.*?)(?=<!-- END RESULTS -->)", RegexOptions.Singleline)]
    private static partial Regex Block();
}
