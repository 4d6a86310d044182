namespace Implementation;

/// <summary>
/// Seeded bugs for the conformance checker's mutation campaign (issue 5). Each is a real behavioural change in the
/// runtime, visible only through what the runtime does (its trace and state), never through this flag. Selectable
/// only through <see cref="RuntimeOptions.Mutant"/>, which is internal.
/// </summary>
internal enum Mutant
{
    None = 0,
    /// <summary>mcall's saved pc is recorded 1 byte past the resume point.</summary>
    McallWrongPc,
    /// <summary>runqput ignores next: a new or readied g goes to the ring's tail instead of runnext.</summary>
    RunqPutIgnoresNext,
    /// <summary>runqputslow moves the batch but forgets to append the new g.</summary>
    RunqPutSlowForgetsG,
    /// <summary>runqgrab takes all of the victim's ring instead of half.</summary>
    StealTakesAll,
    /// <summary>ready puts the g on the global queue instead of runnext.</summary>
    ReadyToGlobal,
    /// <summary>goexit0 does not gfput the dead g.</summary>
    GoExitSkipsGfPut,
    /// <summary>gfget hands out the g even when it is not dead (the status check and edge are skipped for reused gs:
    /// the g keeps its old status word).</summary>
    GfGetNotDead,
    /// <summary>The goid cache hands out a goid twice (the cache pointer is not advanced on the block's first goid).</summary>
    GoidReused,
    /// <summary>findRunnable never looks at the global queue first on the 61st tick.</summary>
    No61TickCheck,
    /// <summary>exitsyscall's fast path skips the Gsyscall → Grunning status change.</summary>
    ExitSyscallSkipsStatus,
    /// <summary>release loses a wakeup: with a waiter present it counts up instead of readying the waiter.</summary>
    ReleaseLosesWakeup,
    /// <summary>gosched_m puts the g on the local ring's tail instead of the global queue.</summary>
    GoschedLocal,
    /// <summary>execute increments schedtick even when it inherits the time slice.</summary>
    SchedTickOnInherit,
}
