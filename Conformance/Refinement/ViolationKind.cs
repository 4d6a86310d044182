namespace Conformance.Refinement;

/// <summary>How a run failed to conform.</summary>
public enum ViolationKind
{
    /// <summary>The runtime did something the model does not allow from the state it was in.</summary>
    NotEnabled,
    /// <summary>The step was allowed, but the runtime's observed values differ from the model's state after it.</summary>
    StateMismatch,
    /// <summary>One P: the runtime's event differs from the one the model predicts at the same position.</summary>
    TraceMismatch,
    /// <summary>A named invariant of the model does not hold.</summary>
    InvariantBroken,
    /// <summary>The run ended differently (who finished, who is blocked, deadlock or not).</summary>
    OutcomeMismatch,
    /// <summary>The runtime threw a fatal error, or its trace could not be read (a gap in sequence numbers, say).</summary>
    RuntimeFault,
}
