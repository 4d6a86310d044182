namespace Conformance.Refinement;

/// <summary>
/// The checker's extension point after each step: <see cref="RefinementChecker.Check"/> calls
/// <see cref="AfterStep"/> once the step's events have matched and the model's invariants hold, with the model's
/// state after the step and the trace index of the step's last runtime event. This is where a comparison of whole
/// states belongs (the runtime's snapshot taken at that scheduling point, abstracted, against the model's state):
/// return a violation (<see cref="ViolationKind.StateMismatch"/>, say) and the check treats it as it treats an
/// event that does not refine.
/// <para>The search may retract steps: a step observed once can be undone when a later event shows the choice
/// wrong, and another taken from the same point. So an observer must judge each call on its arguments alone (or
/// tolerate being called again for an earlier point), and its violation, like the checker's own, lets the search try
/// another choice before the check fails.</para>
/// </summary>
public interface IStepObserver
{
    /// <summary>Null when the step is fine; otherwise the violation.</summary>
    Violation? AfterStep(in StepObservation step);
}
