namespace Implementation;

/// <summary>What a controlled-mode choice decided.</summary>
public enum ChoiceKind
{
    /// <summary>Which M passes the next scheduling point: Value indexes the ready Ms sorted by id, with the holder
    /// last (Value == Options - 1 keeps the holder going) at a point, or the ready Ms alone when the holder blocks.
    /// <see cref="ControlledChoice.M"/> is the M chosen.</summary>
    NextM,
    /// <summary>stealWork's random start and stride (Go's cheaprand): Value is the random number.</summary>
    StealOrder,
    /// <summary>exitsyscall: 1 = the P was lost while blocked (sysmon's retake, then the slow path), 0 = fast path tried.</summary>
    SyscallSlowPath,
    /// <summary>selectgo's poll order: Value is the code in [0, n!) that <c>ChanContract.PollOrder</c> decodes, n the
    /// select's non-nil channel cases.</summary>
    SelectOrder,
    /// <summary>sysmon's preemptone of the g about to resume user code: Value 0 (of <c>Sched.PreemptOdds</c>) = the
    /// request is made (the model's Preempt action), any other value = not now.</summary>
    Preempt,
}

/// <summary>One recorded choice of a controlled run, in order; <see cref="RunResult.Choices"/> holds the bare values
/// for replay.</summary>
/// <param name="Kind">What was chosen.</param>
/// <param name="Options">How many options there were.</param>
/// <param name="Value">The option taken.</param>
/// <param name="M">The M that made the choice (for NextM: the M chosen).</param>
public readonly record struct ControlledChoice(ChoiceKind Kind, int Options, int Value, int M);
