namespace Conformance.GoSide;

/// <summary>
/// What the one-P model predicts for a workload, in the terms vs-go compares: the goroutines in creation order (goid,
/// body), the run-slice order (the goid of every GoStart after main's first), how the run ends, who is blocked on
/// which semaphore, and how often each goroutine parked.
/// </summary>
public sealed record ModelPrediction(
    IReadOnlyList<(long Goid, int Body)> Created,
    IReadOnlyList<long> Starts,
    ModelEnd End,
    IReadOnlyDictionary<long, string> Blocked,
    IReadOnlyDictionary<long, int> Parks,
    string Message);
