namespace Conformance.Refinement;

/// <summary>How a model step's events compared with a runtime M's next events (<see cref="StepMatcher"/>).</summary>
/// <param name="Fits">Every event of the step matched, in order.</param>
/// <param name="Matched">How many runtime events matched before the first difference (all of them when it fits).</param>
/// <param name="Why">What differed, or null when it fits.</param>
/// <param name="At">When it fits: the trace index of the step's linearization point
/// (<see cref="StepMatcher.LinearizationPoint"/>). Otherwise the trace index of the offending runtime event, or
/// <see cref="int.MaxValue"/> when the M recorded nothing more.</param>
internal readonly record struct StepMatch(bool Fits, int Matched, string? Why, int At)
{
    /// <summary>The M's events ran out before the step's did, every one of them matching: the runtime's M recorded
    /// the beginning of this step (and nothing that contradicts it).</summary>
    public bool RanOut { get; init; }

    public static StepMatch NoRuntimeM { get; } = new(false, 0, "the runtime recorded nothing more for this M", int.MaxValue);
}
