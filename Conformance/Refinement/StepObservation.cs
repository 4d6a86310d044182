using Implementation.Trace;
using Model;

namespace Conformance.Refinement;

/// <summary>What an <see cref="IStepObserver"/> is told about a step the checker has just taken.</summary>
/// <param name="Action">The model action.</param>
/// <param name="State">The model's state after the step (never changed by anyone: states are values).</param>
/// <param name="LastEventIndex">The trace index of the step's last runtime event, or -1 for a step that matched no
/// runtime event (a silent step, or a teardown step after the trace's end).</param>
/// <param name="RuntimeM">The runtime M whose events the step explained (<see cref="TraceEvent.M"/>), or -1 when it
/// matched none.</param>
/// <param name="Events">The step's events, in the model's terms.</param>
/// <param name="Prefix">When the steps so far explain exactly the trace's first <c>Prefix</c> events (every one of
/// them consumed, none after), that count; otherwise -1 (some M's events ran ahead of another's).</param>
/// <param name="RuntimeMOf">The M binding so far: the runtime M id (<see cref="TraceEvent.M"/>) that plays a model
/// M, or null when none does yet.</param>
/// <param name="Trace">The trace being checked.</param>
public readonly record struct StepObservation(SchedAction Action, SchedState State, int LastEventIndex, int RuntimeM,
    IReadOnlyList<SchedEvent> Events, int Prefix, Func<int, int?> RuntimeMOf, IReadOnlyList<TraceEvent> Trace);
