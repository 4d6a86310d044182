namespace Conformance.Reports;

/// <summary>One legal status edge, as the model's transition table lists it (Go's numbers for the statuses).</summary>
/// <param name="Id">The edge's name in the table, "E4".</param>
/// <param name="From">Go's number of the status it leaves.</param>
/// <param name="To">Go's number of the status it enters.</param>
/// <param name="Via">The Go function that takes it, "execute".</param>
public sealed record TransitionEdge(string Id, int From, int To, string Via);
