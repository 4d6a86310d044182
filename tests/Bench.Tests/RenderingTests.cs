using System.Text.Json;
using System.Xml.Linq;
using Bench.Peers;
using Bench.Rendering;

namespace Bench.Tests;

/// <summary>The table, JSON, Markdown and SVG renderings of a fixed report: structure, not timings.</summary>
public class RenderingTests
{
    static readonly MachineInfo Machine = new("Test CPU 9000", 2, "Debian GNU/Linux 12 (bookworm)", "6.1.0", ".NET 10.0.0", "go1.19.8", "12.2.0", "1.74");

    static ComparisonReport Fixed() => new(Machine,
    [
        new("switch", "ns", "Native's switch_to (gosave + gogo) <no C#>", Measurement.Of(2.5), [new("c-minimal", Measurement.Of(2.25)), new("boost-context", Measurement.Of(5.0))]),
        new("roundtrip", "ns", "a round trip", Measurement.Of(5.25), []),
        new("gosched", "ns", "a yield", Measurement.NotBuiltYet,
            [new("go", Measurement.Of(49)), new("dotnet-yield", Measurement.Missing("failed: boom"))]),
        new("bytes-per-parked-goroutine", "bytes", "memory", Measurement.Of(4200), [new("go", Measurement.Of(2690))]),
    ], Quick: true, When: new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Json_has_the_machine_and_one_object_per_row_with_ours_and_each_peer()
    {
        var text = JsonRenderer.Render(Fixed());
        Assert.DoesNotContain("\\u00", text); // readable: no escaped apostrophes, plus signs or angle brackets
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        var machine = root.GetProperty("machine");
        Assert.Equal("Test CPU 9000", machine.GetProperty("cpu").GetString());
        Assert.Equal(2, machine.GetProperty("cores").GetInt32());
        foreach (var key in new[] { "os", "kernel", "dotnet", "go", "gcc", "boost" }) Assert.True(machine.TryGetProperty(key, out _), key);
        Assert.True(root.GetProperty("quick").GetBoolean());
        Assert.Equal("median", root.GetProperty("statistic").GetString());

        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["switch", "roundtrip", "gosched", "bytes-per-parked-goroutine"], rows.Select(r => r.GetProperty("operation").GetString()));

        var sw = rows[0];
        Assert.Equal(2.5, sw.GetProperty("oursNs").GetDouble());
        Assert.Equal(2.25, sw.GetProperty("peersNs").GetProperty("c-minimal").GetDouble());
        Assert.Equal(0.9, sw.GetProperty("ratios").GetProperty("c-minimal").GetDouble());
        Assert.Equal(2.0, sw.GetProperty("ratios").GetProperty("boost-context").GetDouble());
        Assert.False(sw.TryGetProperty("oursNote", out _));

        var gosched = rows[2];
        Assert.Equal(JsonValueKind.Null, gosched.GetProperty("oursNs").ValueKind);
        Assert.Equal("n/a (not built yet)", gosched.GetProperty("oursNote").GetString());
        Assert.Equal(49, gosched.GetProperty("peersNs").GetProperty("go").GetDouble());
        Assert.Equal(JsonValueKind.Null, gosched.GetProperty("peersNs").GetProperty("dotnet-yield").ValueKind);
        Assert.Equal("failed: boom", gosched.GetProperty("peerNotes").GetProperty("dotnet-yield").GetString());
        Assert.Empty(gosched.GetProperty("ratios").EnumerateObject());

        var bytes = rows[3];
        Assert.Equal("bytes", bytes.GetProperty("unit").GetString());
        Assert.Equal(4200, bytes.GetProperty("oursNs").GetDouble());
    }

    [Fact]
    public void Text_table_has_one_line_per_operation_and_peer_with_ratios()
    {
        var text = TableRenderer.Text(Fixed());
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.StartsWith("Machine: Test CPU 9000, 2 cores;", lines[0]);
        var header = lines.FindIndex(l => l.StartsWith("operation", StringComparison.Ordinal));
        Assert.True(header > 0);
        Assert.Matches(@"^-+  -+  -+  -+  -+  -+$", lines[header + 1]);
        // switch (2 peers) + roundtrip (no peer) + gosched (2 peers) + bytes (1 peer) = 6 lines
        var body = lines.Skip(header + 2).TakeWhile(l => l.Length > 0).ToList();
        Assert.Equal(6, body.Count);
        Assert.Matches(@"^switch\s+ns\s+2\.5\s+c-minimal\s+2\.25\s+0\.90×$", body[0]);
        Assert.Matches(@"^\s+boost-context\s+5\s+2\.0×$", body[1]);
        Assert.Matches(@"^roundtrip\s+ns\s+5\.25\s+-\s+-\s+-$", body[2]);
        Assert.Matches(@"^gosched\s+ns\s+n/a \(not built yet\)\s+go\s+49\s+-$", body[3]);
        Assert.Matches(@"^\s+dotnet-yield\s+failed: boom\s+-$", body[4]);
        Assert.Matches(@"^bytes-per-parked-goroutine\s+bytes\s+4,200\s+go\s+2,690\s+0\.64×$", body[5]);
    }

    [Fact]
    public void Markdown_has_the_machine_the_chart_link_and_a_pipe_table()
    {
        var md = TableRenderer.Markdown(Fixed(), "peers.svg");
        Assert.Contains("| cpu | Test CPU 9000 |", md);
        Assert.Contains("](peers.svg)", md);
        Assert.Contains("| operation | unit | ours | peer | peer value | peer/ours |", md);
        Assert.Contains("| switch | ns | 2.5 | c-minimal | 2.25 | 0.90× |", md);
        Assert.Contains("| gosched | ns | n/a (not built yet) | go | 49 | - |", md);
        Assert.Contains("peers --quick` (each figure the median of its samples)", md);
        Assert.Contains("peers --quick --min` (each figure the smallest of its samples)",
            TableRenderer.Markdown(Fixed() with { Statistic = Statistic.Min }, null));
        Assert.Contains("- `switch`: Native's switch_to (gosave + gogo) &lt;no C#&gt;", md);
    }

    [Fact]
    public void Svg_is_well_formed_with_one_bar_per_value_and_the_notes_for_missing_ones()
    {
        var svg = XDocument.Parse(SvgChart.Render(Fixed()));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        // values: switch 3, roundtrip 1, gosched 1 (go), bytes 2 = 7 bars, plus the background rect.
        var bars = svg.Descendants(ns + "rect").Where(r => r.Element(ns + "title") is not null).ToList();
        Assert.Equal(7, bars.Count);
        Assert.All(bars, b => Assert.True(double.Parse(b.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture) > 0));
        var texts = svg.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("n/a (not built yet)", texts);
        Assert.Contains("failed: boom", texts);
        Assert.Contains("2.25 ns (0.90× ours)", texts);
        Assert.Contains("2,690 bytes (0.64× ours)", texts);
        // decade ticks of the time panel (2.25 .. 49 → 1, 10, 100) and of the bytes panel (2,690 .. 4,200 → 1,000, 10,000)
        Assert.Contains("1", texts);
        Assert.Contains("100", texts);
        Assert.Contains("10,000", texts);
        Assert.Contains(texts, t => t.StartsWith("Time per operation", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.StartsWith("Memory per parked goroutine", StringComparison.Ordinal));
    }

    [Fact]
    public void Svg_bars_grow_with_the_value_on_a_log_scale()
    {
        var svg = XDocument.Parse(SvgChart.Render(Fixed()));
        XNamespace ns = "http://www.w3.org/2000/svg";
        double Width(string title) => double.Parse(svg.Descendants(ns + "rect")
            .Single(r => r.Element(ns + "title")?.Value == title).Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture);
        var w2 = Width("switch, c-minimal: 2.25 ns");
        var w5 = Width("switch, boost-context: 5 ns");
        var w49 = Width("gosched, go: 49 ns");
        Assert.True(w2 < w5 && w5 < w49, $"{w2} {w5} {w49}");
        // log scale: equal ratios give equal length differences (5/2.25 vs 49/22.05)
        Assert.InRange((w5 - w2) / (Math.Log10(5 / 2.25)), (w49 - w5) / Math.Log10(49 / 5.0) - 1, (w49 - w5) / Math.Log10(49 / 5.0) + 1);
    }

    [Fact]
    public void Written_files_are_the_markdown_svg_and_json()
    {
        var dir = Path.Combine(Path.GetTempPath(), "checker-bench-tests", Guid.NewGuid().ToString("N"));
        try
        {
            var files = PeersCommand.Write(Fixed(), dir);
            Assert.Equal(["peers.md", "peers.svg", "peers.json"], files.Select(Path.GetFileName));
            Assert.All(files, f => Assert.True(new FileInfo(f).Length > 100, f));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Readme_block_is_replaced_between_its_markers_and_nothing_else_changes()
    {
        var readme = "# Title\n\nintro\n<!-- BEGIN RESULTS (generated) -->\nold table\n<!-- END RESULTS -->\n\nafter\n";
        var block = ReadmeSection.Render(Fixed(), "results/peers.svg");
        var updated = ReadmeSection.Replace(readme, block);
        Assert.StartsWith("# Title\n\nintro\n<!-- BEGIN RESULTS (generated) -->\n### Results\n", updated);
        Assert.EndsWith("<!-- END RESULTS -->\n\nafter\n", updated);
        Assert.DoesNotContain("old table", updated);
        Assert.Contains("](results/peers.svg)", updated);
        Assert.Contains("| switch | ns | 2.5 | c-minimal | 2.25 | 0.90× |", updated);
        Assert.DoesNotContain("- `switch`", updated);
        Assert.Equal(updated, ReadmeSection.Replace(updated, block));
        Assert.Throws<InvalidOperationException>(() => ReadmeSection.Replace("no markers", block));
    }
}
