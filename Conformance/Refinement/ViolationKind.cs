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
    /// <summary>The process running the runtime died: a signal (SIGSEGV, SIGABRT: stack corruption, a glibc abort, an
    /// unhandled exception) or an unexpected exit. Only isolated runs can report it; the trace is what was recorded
    /// up to the crash (<see cref="Violation.Crash"/> has the signal or exit status and the last lines of stderr).</summary>
    RuntimeCrash,
    /// <summary>The process running the runtime did not answer within the run's timeout plus a margin (the runtime
    /// itself gave up on the run and could not stop it, or it is wedged), and was killed. Only isolated runs.</summary>
    RuntimeHang,
}
