using System.Collections.Immutable;

namespace Conformance.Refinement;

/// <summary>
/// A state as reports show it: named rows in a fixed order ("g3.status" = "Runnable", "p0.runq" = "[g4 g5]").
/// The model's state and the runtime's observed state are both turned into one, so they can be set side by side.
/// </summary>
public sealed class StateView
{
    public StateView(IEnumerable<KeyValuePair<string, string>> rows) => Rows = [.. rows];

    public static readonly StateView Empty = new([]);

    public ImmutableArray<KeyValuePair<string, string>> Rows { get; }

    public string? this[string key] => Rows.FirstOrDefault(r => r.Key == key).Value;

    /// <summary>One row of a side-by-side comparison.</summary>
    public readonly record struct DiffRow(string Key, string? Left, string? Right)
    {
        public bool Differs => Left != Right;
    }

    /// <summary>The union of both views' keys, in <paramref name="left"/>'s order then <paramref name="right"/>'s new ones.</summary>
    public static IReadOnlyList<DiffRow> Diff(StateView left, StateView right)
    {
        var rows = new List<DiffRow>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var rightByKey = new Dictionary<string, string>(right.Rows.Length, StringComparer.Ordinal);
        foreach (var (k, v) in right.Rows) rightByKey.TryAdd(k, v);
        foreach (var (k, v) in left.Rows)
            if (seen.Add(k)) rows.Add(new DiffRow(k, v, rightByKey.GetValueOrDefault(k)));
        foreach (var (k, v) in right.Rows)
            if (seen.Add(k)) rows.Add(new DiffRow(k, null, v));
        return rows;
    }

    public override string ToString() => string.Join("\n", Rows.Select(r => $"{r.Key} = {r.Value}"));
}
