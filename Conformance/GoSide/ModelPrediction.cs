namespace Conformance.GoSide;

/// <summary>
/// What the one-P model predicts for a workload, in the terms vs-go compares: the goroutines in creation order (goid,
/// body), the run-slice order (the goid of every GoStart after main's first), how the run ends, who is blocked on
/// what, and how often each goroutine parked. <see cref="Panic"/> is the panic text (ChanContract.PanicText) when the
/// run ends in one. <see cref="Choices"/> counts the states on the chosen path where the model offered more than one
/// action (a select's poll order on one P); <see cref="Alternatives"/> is how many agreeing paths were kept at most at
/// once while following Go's run (1 when nothing was followed).
/// </summary>
public sealed record ModelPrediction(
    IReadOnlyList<(long Goid, int Body)> Created,
    IReadOnlyList<long> Starts,
    ModelEnd End,
    IReadOnlyDictionary<long, BlockedAt> Blocked,
    IReadOnlyDictionary<long, int> Parks,
    string Message)
{
    public string? Panic { get; init; }
    public int Choices { get; init; }
    public int Alternatives { get; init; } = 1;
}
