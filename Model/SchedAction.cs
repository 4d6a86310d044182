namespace Model;

/// <summary>The kinds of choice the model offers in a state.</summary>
public enum SchedActionKind : byte
{
    /// <summary>M <c>Id</c> runs its curg's user code up to and through the next op that enters the runtime
    /// (go, yield, acquire, release, syscall, exit, send, recv, close, select, or the end of the body); for M0 at
    /// boot, rt0_go's newproc(main). A g woken by a semaphore or a channel runs only the rest of the op it parked in.
    /// When the op is a selectgo with n ≥ 2 non-nil channel cases, <c>Victim</c> is the poll order's code in
    /// [0, n!) (<c>ChanContract.PollOrder</c>); otherwise -1.</summary>
    Run,
    /// <summary>M <c>Id</c> (after startm: acquirep first) runs schedule()/findRunnable: the 1-in-61 global check,
    /// runqget, globrunqget, and when none finds work and no steal is possible, releases its P and stops.</summary>
    Schedule,
    /// <summary>M <c>Id</c> runs findRunnable and steals from P <c>Victim</c> (stealWork's random order is the choice).</summary>
    Steal,
    /// <summary>M <c>Id</c> returns from its syscall: exitsyscall's fast path if a P is available, else exitsyscall0.</summary>
    ExitSyscall,
    /// <summary>sysmon's retake takes P <c>Id</c> from its syscall and hands it off (only with <see cref="SchedConfig.Sysmon"/>).</summary>
    Retake,
    /// <summary>sysmon's retake finds that P <c>Id</c> has run its current g for forcePreemptNS and preemptone's it
    /// (only with <see cref="SchedConfig.Sysmon"/>; time is abstracted, so "long enough" is the choice). Enabled while
    /// the P's M is about to run user code of a g whose body has a <c>call</c> (only a checked prologue can deliver
    /// the request) and that has no request pending.</summary>
    Preempt,
}

/// <summary>One enabled choice: which M steps (or which P sysmon retakes), and the steal victim or, for a Run action
/// that reaches a selectgo with a choice, the poll order's code (-1: none).</summary>
public readonly record struct SchedAction(SchedActionKind Kind, int Id, int Victim = -1)
{
    /// <summary>Whether sysmon takes the step (a retake or a preemption request): <c>Id</c> is then a P, and the step
    /// belongs to no M.</summary>
    public bool IsSysmon => Kind is SchedActionKind.Retake or SchedActionKind.Preempt;

    public override string ToString() => Kind switch
    {
        SchedActionKind.Steal => $"Steal(m{Id}, p{Victim})",
        SchedActionKind.Retake => $"Retake(p{Id})",
        SchedActionKind.Preempt => $"Preempt(p{Id})",
        SchedActionKind.Run when Victim >= 0 => $"Run(m{Id}, poll {Victim})",
        _ => $"{Kind}(m{Id})",
    };
}
