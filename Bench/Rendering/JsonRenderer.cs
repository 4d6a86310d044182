using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bench.Peers;

namespace Bench.Rendering;

/// <summary>
/// The comparison as one JSON object:
/// <c>{"machine": {...}, "quick": false, "when": "...", "rows": [{"operation": "gosched", "unit": "ns", "description": "...",
/// "oursNs": 12.3, "peersNs": {"go": 49.0, ...}, "ratios": {"go": 4.0}}, ...]}</c>.
/// The figure keys keep the "Ns" suffix on every row, including the bytes row, so that consumers read one shape;
/// <c>unit</c> says what the figures are. A missing figure is <c>null</c>, with its reason under <c>oursNote</c> or
/// <c>peerNotes</c>.
/// </summary>
public static class JsonRenderer
{
    /// <summary>Serializes <paramref name="report"/>, indented.</summary>
    public static string Render(ComparisonReport report)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartObject("machine");
            foreach (var (k, v) in report.Machine.Entries())
            {
                if (k == "cores") w.WriteNumber(k, report.Machine.Cores);
                else w.WriteString(k, v);
            }
            w.WriteEndObject();
            w.WriteBoolean("quick", report.Quick);
            w.WriteString("statistic", report.Statistic == Statistic.Min ? "min" : "median");
            w.WriteString("when", report.When.ToUniversalTime());
            w.WriteStartArray("rows");
            foreach (var row in report.Rows) WriteRow(w, row);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    static void WriteRow(Utf8JsonWriter w, ComparisonRow row)
    {
        w.WriteStartObject();
        w.WriteString("operation", row.Operation);
        w.WriteString("unit", row.Unit);
        w.WriteString("description", row.Description);
        WriteNumberOrNull(w, "oursNs", row.Ours.Value);
        if (row.Ours.Value is null) w.WriteString("oursNote", row.Ours.Note);
        w.WriteStartObject("peersNs");
        foreach (var p in row.Peers) WriteNumberOrNull(w, p.Peer, p.Result.Value);
        w.WriteEndObject();
        if (row.Peers.Any(p => p.Result.Value is null))
        {
            w.WriteStartObject("peerNotes");
            foreach (var p in row.Peers.Where(p => p.Result.Value is null)) w.WriteString(p.Peer, p.Result.Note);
            w.WriteEndObject();
        }
        w.WriteStartObject("ratios");
        foreach (var p in row.Peers)
        {
            if (ComparisonRow.Ratio(row.Ours, p.Result) is double r) w.WriteNumber(p.Peer, Math.Round(r, 3));
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? v)
    {
        if (v is double d) w.WriteNumber(name, Math.Round(d, 3));
        else w.WriteNull(name);
    }
}
