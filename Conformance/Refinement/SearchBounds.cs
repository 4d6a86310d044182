namespace Conformance.Refinement;

/// <summary>
/// How far the checker's search (<see cref="BoundedSearch"/>) may go back. A guess between steps that fit is
/// nearly always shown right or wrong within a step or two (the wrong one leaves the model's next step unable to
/// produce the runtime's next events), so the bounds are small and make a wrong trace cost little more to reject
/// than a right one to accept.
/// </summary>
/// <param name="MaxPending">At most this many untried alternatives are kept; when more come, the oldest choices'
/// alternatives are forgotten first. Zero makes the checker greedy: it takes each first choice and never goes back.</param>
/// <param name="Horizon">A choice is forgotten once the check is this many model steps past it.</param>
/// <param name="MaxBacktracks">After this many backtracks in one check the search stops and reports the deepest
/// violation it found.</param>
public sealed record SearchBounds(int MaxPending = 64, int Horizon = 256, int MaxBacktracks = 1024)
{
    /// <summary>The bounds every check uses unless told otherwise.</summary>
    public static SearchBounds Default { get; } = new();

    /// <summary>No search: the first choice the rules prefer, every time (the checker before the search).</summary>
    public static SearchBounds Greedy { get; } = new(0, 0, 0);
}
