using Model;

namespace Conformance.Refinement;

/// <summary>What an <see cref="IStepObserver"/> is told about a step the checker has just taken.</summary>
/// <param name="Action">The model action.</param>
/// <param name="State">The model's state after the step (never changed by anyone: states are values).</param>
/// <param name="LastEventIndex">The trace index of the step's last runtime event, or -1 for a step that matched no
/// runtime event (a silent step, or a teardown step after the trace's end).</param>
/// <param name="RuntimeM">The runtime M whose events the step explained (<see cref="Implementation.Trace.TraceEvent.M"/>),
/// or -1 when it matched none.</param>
/// <param name="Events">The step's events, in the model's terms.</param>
public readonly record struct StepObservation(SchedAction Action, SchedState State, int LastEventIndex, int RuntimeM, IReadOnlyList<SchedEvent> Events);
