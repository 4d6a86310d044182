using Model.Contract;
using System.Globalization;
using System.Text.Json;
using Implementation.Trace;

namespace Conformance.GoSide;

/// <summary>
/// A trace in the documented JSON format (docs/trace-format.schema.json; the one `checker run --trace` writes): the
/// run's GOMAXPROCS, whether sysmon ran, whether the trace is partial, the pc table for the abstraction, the events
/// in sequence order, and optionally the run's outcome.
/// </summary>
public sealed class JsonTraceFile
{
    public required int Procs { get; init; }
    public bool Sysmon { get; init; } = true;
    public bool Truncated { get; init; }
    public required IReadOnlyList<TraceEvent> Events { get; init; }
    public required Refinement.Abstraction Abstraction { get; init; }
    /// <summary>The stated outcome, or null when the file states none (then only the events are checked).</summary>
    public Refinement.Outcome? Outcome { get; init; }

    /// <summary>Reads a JSON trace; throws <see cref="FormatException"/> naming the first bad field or event.</summary>
    public static JsonTraceFile Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException("the top level is not an object");
        var procs = root.TryGetProperty("procs", out var p) && p.TryGetInt32(out var pv) && pv >= 1 ? pv
            : throw new FormatException("'procs' (GOMAXPROCS, a number from 1) is missing or not a number");
        var sysmon = !root.TryGetProperty("sysmon", out var sm) || sm.ValueKind != JsonValueKind.False;
        var truncated = root.TryGetProperty("truncated", out var tr) && tr.ValueKind == JsonValueKind.True;
        var mode = root.TryGetProperty("abstraction", out var ab) ? ab.GetString() ?? "" : "native";
        Refinement.Abstraction abs;
        if (mode == "identity")
        {
            abs = Refinement.Abstraction.Identity;
        }
        else if (mode == "native")
        {
            var pcs = new Dictionary<long, int>();
            if (root.TryGetProperty("pcs", out var table))
                foreach (var kv in table.EnumerateObject())
                {
                    var code = JsonAbstraction.Code(kv.Value.GetString() ?? "");
                    if (!TryNumber(kv.Name, out var pc) || code < 0)
                        throw new FormatException($"pcs: '{kv.Name}': '{kv.Value}' is not a pc mapped to zero, goexit, entry, systemstack or 'op N'");
                    pcs[pc] = code;
                }
            abs = new JsonAbstraction(pcs);
        }
        else throw new FormatException($"abstraction: '{mode}' is neither 'native' nor 'identity'");

        if (!root.TryGetProperty("events", out var evs) || evs.ValueKind != JsonValueKind.Array)
            throw new FormatException("'events' (an array) is missing");
        var list = new List<TraceEvent>();
        var i = 0;
        foreach (var e in evs.EnumerateArray())
        {
            var kindText = e.TryGetProperty("kind", out var k) ? k.GetString() : null;
            if (kindText is null || !Enum.TryParse<EventKind>(kindText, ignoreCase: false, out var kind) || !Enum.IsDefined(kind) || int.TryParse(kindText, out _))
                throw new FormatException($"event {i}: 'kind' {(kindText is null ? "is missing" : $"'{kindText}' is not an event kind")}");
            list.Add(new TraceEvent
            {
                Seq = e.TryGetProperty("seq", out var s) && s.TryGetUInt64(out var sv) ? sv : throw new FormatException($"event {i}: 'seq' is missing or not a whole number"),
                Kind = kind,
                M = (short)Int(e, "m", i, required: true),
                P = (short)Int(e, "p", i, required: true),
                G = Int(e, "g", i, required: true),
                A = Int(e, "a", i), B = Int(e, "b", i), C = Int(e, "c", i), D = Int(e, "d", i),
            });
            i++;
        }
        Refinement.Outcome? outcome = null;
        if (root.TryGetProperty("outcome", out var oc))
        {
            var kindText = oc.TryGetProperty("kind", out var ok) ? ok.GetString() : null;
            var blocked = System.Collections.Immutable.ImmutableSortedDictionary.CreateBuilder<long, string>();
            if (oc.TryGetProperty("blocked", out var bl))
                foreach (var kv in bl.EnumerateObject())
                    blocked[long.Parse(kv.Name, CultureInfo.InvariantCulture)] = kv.Value.GetString() ?? "";
            var finished = list.Where(x => x.Kind == EventKind.GoEnd).Select(x => x.G);
            outcome = kindText switch
            {
                "completed" => Refinement.Outcome.Completed(finished),
                "deadlock" => new Refinement.Outcome(Refinement.OutcomeKind.Deadlock, [.. finished], blocked.ToImmutable()),
                _ => throw new FormatException($"outcome: 'kind' must be 'completed' or 'deadlock', not '{kindText}'"),
            };
        }
        return new JsonTraceFile { Procs = procs, Sysmon = sysmon, Truncated = truncated, Events = list, Abstraction = abs, Outcome = outcome };
    }

    private static long Int(JsonElement e, string name, int index, bool required = false)
    {
        if (!e.TryGetProperty(name, out var v)) return required ? throw new FormatException($"event {index}: '{name}' is missing") : 0;
        if (v.TryGetInt64(out var n)) return n;
        throw new FormatException($"event {index}: '{name}' is not a whole number");
    }

    private static bool TryNumber(string text, out long v) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v)
            : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out v);
}
