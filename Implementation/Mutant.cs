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
    /// <summary>semrelease hands the count to the waiter (a ticket, as handoff = true would) instead of counting up and
    /// letting the woken g race for it: nobody can barge ahead, unlike Go's semrelease1 with handoff = false.</summary>
    SemaHandoff,
    /// <summary>gosched_m puts the g on the local ring's tail instead of the global queue.</summary>
    GoschedLocal,
    /// <summary>execute increments schedtick even when it inherits the time slice.</summary>
    SchedTickOnInherit,

    // ---- state at rest (issue 10): visible in g.sched / g.m, and through m.shadowsched, rarely in the trace ----

    /// <summary>gogo loads sched.sp but does not clear it (a stub mutant: <c>StubOptions.GogoKeepsSp</c>).</summary>
    GogoKeepsSp,
    /// <summary>gogo loads sched.ret but does not clear it (<c>StubOptions.GogoKeepsRet</c>). Nothing in this runtime (nor
    /// in Go 1.19) writes a nonzero ret, so this one shows only where a nonzero ret is seeded.</summary>
    GogoKeepsRet,
    /// <summary>gogo loads sched.ctxt but does not clear it (<c>StubOptions.GogoKeepsCtxt</c>): a new g's funcval stays
    /// in its sched while it runs.</summary>
    GogoKeepsCtxt,
    /// <summary>gogo restores bp but leaves sched.bp set (<c>StubOptions.GogoKeepsBp</c>).</summary>
    GogoKeepsBp,
    /// <summary>systemstack leaves sched.sp set on its way back (<c>StubOptions.SystemstackKeepsSp</c>).</summary>
    SystemstackKeepsSp,
    /// <summary>mcall's saved sp is 8 bytes low (applied where the scheduler reads the save after the mcall). A g
    /// resumed with it runs with a misaligned, drifting SP and may crash.</summary>
    McallSpLow,
    /// <summary>mcall's saved sp is 8 bytes high: a resumed g's next push lands on its own frame's lowest word, and
    /// the drift grows with every yield; it may crash.</summary>
    McallSpHigh,
    /// <summary>goexit0 leaves g.m set on the dead g (dropg's and goexit0's clears skipped; m.curg is still cleared).</summary>
    GoExit0KeepsM,
    /// <summary>newproc1 does not clear a recycled g's gobuf before laying out the new frame: whatever the dead g left
    /// in ret, lr and bp (the fields the layout does not rewrite) survives into the new g's sched.</summary>
    NewProc1KeepsSched,

    // ---- isolation (issue 10): kills the process ----

    /// <summary>gosched_m keeps only the low 32 bits of the saved resume pc (a store through a 32-bit field), so the
    /// next execute's gogo jumps to an unmapped address and the process dies of SIGSEGV: the runtime-crashing mutant,
    /// which only an isolated checker survives.</summary>
    GoschedPcTruncated,

    // ---- channels and select (docs/channels.md) ----

    /// <summary>A send that finds receivers waiting hands its value to the newest one (recvq's tail), not the oldest.</summary>
    ChanHandoffNewestReceiver,
    /// <summary>A g woken by a channel partner (a direct send or receive, closechan) goes to the ring's tail, not runnext.</summary>
    ChanWokenToTail,
    /// <summary>recvx wraps one slot late (at dataqsiz + 1): a receive reads the spare slot past the ring (a zero) and
    /// the ring's order slips; the runtime does not crash.</summary>
    ChanRecvxNotWrapped,
    /// <summary>closechan readies only the first waiter it dequeued; the others stay Waiting for good.</summary>
    CloseWakesFirstOnly,
    /// <summary>selectgo's pass 1 walks the cases in source order, whatever poll order it drew (and reports).</summary>
    SelectIgnoresPollOrder,

    // ---- timers and the network poller (issue 14) ----

    /// <summary>checkTimers runs the first timer that is not due yet (once per run): a sleeper wakes before its deadline.</summary>
    TimerFiresEarly,
    /// <summary>checkdead ignores pending timers: a run whose only waiters sleep is reported as Go's deadlock.</summary>
    CheckdeadIgnoresTimers,
    /// <summary>injectglist puts every g on the local run queue, none on the global queue for the idle Ps (and starts
    /// no M for them).</summary>
    InjectGlistAllLocal,
    /// <summary>findRunnable skips the non-blocking netpoll(0) before stealing.</summary>
    FindRunnableSkipsNetpoll,
    /// <summary>The poller token is not taken: a second M may block in netpoll beside the first.</summary>
    TwoPollers,
    /// <summary>handoffp leaves out its "last running P and nobody polls the network" clause: the P goes idle instead
    /// of starting an M that would poll.</summary>
    HandoffPSkipsLastPoller,

    // ---- cooperative preemption (issue 13) ----

    /// <summary>gopreempt_m puts the preempted g on its P's local run queue instead of the global one (Go's
    /// goschedImpl: globrunqput), so it keeps its place ahead of every g the global queue holds.</summary>
    PreemptToLocalQueue,
    /// <summary>execute does not clear a pending preemption request (Go's execute: gp.preempt = false, stackguard0 =
    /// stack.lo + _StackGuard), so a g asked before it last stopped is preempted again at its first checked prologue.</summary>
    ExecuteKeepsPreempt,
    /// <summary>newstack keeps the RDX that morestack saved in sched.ctxt for a call's prologue, where Go's
    /// morestack_noctxt (every non-closure function) stores 0: a g preempted at a call rests with a stale ctxt.</summary>
    NewStackKeepsCtxt,

    // ---- stacks (issue 13): growth by copying, and what gfput does with a grown stack ----

    /// <summary>copystack moves the frames but leaves the chain of saved frame pointers alone (AdjustFramePointers
    /// is skipped): every saved rbp from the second frame up still points into the old stack, which has been freed.
    /// Go's copystack walks every frame with adjustframe, which moves each frame's saved frame pointer by the distance
    /// between the stacks (stack.go, 1.19). Only sched.bp, adjusted on its own, is right: the first function above
    /// the one that grew to return pops a stale rbp, which the next save of bp (or the next copystack's check of the
    /// chain) shows.</summary>
    CopyStackSkipsFramePointers,
    /// <summary>newstack grows the stack by 2 KiB at a time (the old size + 2 KiB, another 2 KiB while the frame
    /// still does not fit) where Go's newstack doubles it and keeps doubling until the frame that called morestack
    /// fits (newsize = oldsize * 2, then funcMaxSPDelta; stack.go, 1.19). The first growth is the same (2 to 4 KiB),
    /// the second is 6 KiB instead of 8. Go's stackalloc would throw on such a size ("not a power of 2"); the
    /// allocator here lets this mutant have it (<c>GoStacks.AllowUnevenSizes</c>), so the run goes on with the wrong
    /// sizes.</summary>
    GrowByFixed2K,
    /// <summary>After copystack, the pc that morestack saved for f's prologue is moved past the prologue (by the
    /// check's length, <c>StackCheck.PrologueEnd</c>): newstack's gogo resumes f at its first instruction after the
    /// check, so the check does not run again on the new stack. Go's morestack saves the return address of its call,
    /// whose next instruction jumps back to f's start, and newstack's gogo goes there (asm_amd64.s morestack;
    /// stack.go newstack, 1.19), so f checks its frame again.</summary>
    MorestackPcPastPrologue,
    /// <summary>gfput keeps a stack that grew on the dead g instead of freeing it: Go 1.19's gfput frees any stack
    /// whose size is not startingStackSize (stackfree, and stack.lo = stack.hi = 0), so that the gs on the free lists
    /// hold either a starting-size stack or none. The next g that gfget makes of it starts with the grown stack.</summary>
    GfPutKeepsGrownStack,
    /// <summary>m.morebuf.sp, f's caller's sp, is 8 bytes high (as if morestack had taken 24(SP) at its entry; Go's
    /// takes 16(SP): the sp above f's return address; asm_amd64.s morestack, 1.19).</summary>
    MorebufSpHigh,
}
