namespace Conformance.GoSide;

/// <summary>The verdict on one workload run on Go, with both sides' run orders (model goids: Go's goroutines are
/// mapped to the model's by creation order) and outcomes, for the report.</summary>
public sealed record VsGoVerdict(VsGoVerdictKind Kind, string Message)
{
    public IReadOnlyList<long> GoOrder { get; init; } = [];
    public IReadOnlyList<long> ModelOrder { get; init; } = [];
    /// <summary>Index of the first run slice that differs, or -1.</summary>
    public int FirstDifference { get; init; } = -1;
    public string GoOutcome { get; init; } = "";
    public string ModelOutcome { get; init; } = "";
    /// <summary>A known, explained difference (docs/go-vs-model.md), or null.</summary>
    public string? Known { get; init; }
    public int Procs { get; init; } = 1;
    public int GoEvents { get; init; }
}
