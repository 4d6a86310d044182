using Implementation.Trace;

namespace Conformance.Refinement;

/// <summary>
/// The first point where a run stops refining the model: what broke, at which event of the merged trace, what the
/// model expected there, and both states, so a report can show them side by side.
/// </summary>
/// <param name="Kind">What kind of failure.</param>
/// <param name="Message">One sentence naming the event and what is wrong with it.</param>
/// <param name="EventIndex">Index of the offending event in the merged trace; -1 when it is about the outcome.</param>
/// <param name="Event">The offending event, if any.</param>
/// <param name="Expected">What the model expected instead (its predicted event, or the actions it enabled).</param>
/// <param name="ModelState">The model's state at the violation (after its step, when it took one).</param>
/// <param name="RuntimeState">The runtime's observed state there, abstracted.</param>
/// <param name="Invariant">The name of the broken invariant, for <see cref="ViolationKind.InvariantBroken"/>.</param>
public sealed record Violation(
    ViolationKind Kind,
    string Message,
    int EventIndex,
    TraceEvent? Event,
    string? Expected,
    StateView? ModelState,
    StateView? RuntimeState,
    string? Invariant = null)
{
    /// <summary>For <see cref="ViolationKind.RuntimeCrash"/> and <see cref="ViolationKind.RuntimeHang"/>: how the worker
    /// process ended (signal or exit status, its last stderr lines, when).</summary>
    public CrashDetails? Crash { get; init; }

    /// <summary>Short enough for a table cell and a replay token: kind, position and message.</summary>
    public string Verdict => EventIndex >= 0 ? $"{Kind} at event {EventIndex}: {Message}" : $"{Kind}: {Message}";

    /// <summary>What two verdicts must share to be "the same": the kind and the event position.</summary>
    public string Signature => $"{Kind}@{EventIndex}";
}
