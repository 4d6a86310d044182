namespace Conformance.Generators;

/// <summary>
/// The kinds of workload the campaign generates: each one aims at a part of the scheduler that a conformance
/// campaign must reach (the "shapes that matter").
/// </summary>
public enum WorkloadShape
{
    /// <summary>Goroutines that start goroutines that start goroutines: newproc, runnext eviction, the ring.</summary>
    SpawnTree,
    /// <summary>Each goroutine starts the next one and carries on: runnext hand-offs with inherited time slices.</summary>
    SpawnChain,
    /// <summary>Releases and spawns back to back, so each new runnext evicts the previous one to the ring's tail.</summary>
    RunnextChain,
    /// <summary>More than 256 runnable goroutines on one P: runqputslow moves half the ring to the global queue.</summary>
    RingOverflow,
    /// <summary>Tokens passed through semaphores (ping-pong, rings, a "done" count): park_m and ready.</summary>
    SemaphoreHandoff,
    /// <summary>Many goroutines yielding many times: gosched_m, the global queue, the 1-in-61 check.</summary>
    YieldStorm,
    /// <summary>Blocking system calls, long enough that the P may be handed off: entersyscall, exitsyscall fast and slow.</summary>
    SyscallLosesP,
    /// <summary>Nested native frames with a Goexit from inside them: goexit0 from depth, gfput, gfget on reuse.</summary>
    NestedExit,
    /// <summary>Goroutines that wait for a release that never comes: Go's "all goroutines are asleep".</summary>
    Deadlock,
    /// <summary>Everything at once, at random.</summary>
    Mixed,
    /// <summary>Sleepers and spinners: goroutines that sleep (timers on their P's heap, checkTimers, a thief stealing a
    /// timer, checkdead's timejump) beside goroutines that yield and compute.</summary>
    SleepersAndSpinners,

    // ---- channels (docs/channels.md) ----

    /// <summary>Two goroutines hand a token back and forth over two unbuffered channels: chansend/chanrecv's direct
    /// hand-off to a parked partner, park_m and ready.</summary>
    ChanPingPong,
    /// <summary>Producers and consumers over one buffered channel: the ring buffer (sendx, recvx, wrap-around), full
    /// and empty buffers, the full-buffer hand-off that refills the slot a receive frees.</summary>
    ChanProducerConsumer,
    /// <summary>Several senders into one channel (fan-in) or one sender to several receivers (fan-out) with a "done"
    /// channel: sendq and recvq with several waiters, FIFO dequeue.</summary>
    ChanFan,
    /// <summary>A producer sends, then closes; receivers drain what is buffered and then get the zero value and !ok:
    /// closechan readying every waiting receiver. Never panics (only the producer sends and closes, once).</summary>
    ChanCloseDrain,
    /// <summary>Selects over several channels, with and without a default: selectgo's passes 1-3, selectnbsend and
    /// selectnbrecv, stale select sudogs.</summary>
    ChanSelect,
    /// <summary>One select that sees two ready cases (two senders, or one sender doing <c>send c1; send c2</c> into
    /// buffered channels): the poll order is a real choice.</summary>
    ChanSelectRace,
    /// <summary>Goroutines that wait on a channel nobody serves (a receive nobody sends to, a send nobody receives, a
    /// nil channel, <c>select {}</c>): "all goroutines are asleep" with the channel wait reasons.</summary>
    ChanDeadlock,
    /// <summary>Channel ops at random over one to three channels, with semaphores and the scheduler ops (no close, so
    /// no panic; it may deadlock).</summary>
    ChanMixed,
    /// <summary>A deliberate panic: a send on a closed channel, a second close, or a close of a nil channel (drawn
    /// rarely).</summary>
    ChanPanic,
    /// <summary>Many io waiters readied at once (equal deadlines): netpoll's batch and injectglist's split between
    /// the global queue (the idle Ps' share, startIdle) and the local one.</summary>
    IoWaiters,
    /// <summary>io beside blocking system calls: a g waiting on the network holds no M and no P, one in a syscall
    /// holds its M and may lose its P (handoffp, retake), side by side; or a lone caller whose P is handed off as the
    /// last running one, a timer on it (handoffp's last-running-P clause).</summary>
    IoBesideSyscalls,

    // ---- stacks (issue 13): growth by copying ----

    /// <summary>Calls nested many levels deep whose frames add up to several times 2 KiB: newstack several times on
    /// the way down (each doubling), saves of sp and bp in every level on the way back up (the copied frame-pointer
    /// chain), and a second descent that fits.</summary>
    DeepRecursion,
    /// <summary>One call with a frame of tens of KiB: a single newstack that doubles several times at once (until the
    /// frame fits), the prologue's page probes, and a stack that stays big.</summary>
    WideFrame,
    /// <summary>Growth while other goroutines are parked on a semaphore or a channel (some of them in grown frames):
    /// the grown g's neighbours, their gobufs and their channel slots, checked across its copystack.</summary>
    GrowBesideParked,
    /// <summary>Growth inside nested calls, then Goexit from the deepest one; a second wave of goroutines reuses the
    /// dead gs (gfput frees a grown stack, gfget gives a stackless g a new one, the spill to the global lists splits
    /// by stack) and grows again.</summary>
    GrowExitReuse,
    /// <summary>Long chains of nested calls between runtime ops that let the g go on (go, release, a buffered send),
    /// beside a g that yields: sysmon's preemption request (a choice) lands between two ops, the next checked prologue
    /// delivers it (gopreempt_m: E7, the global queue, behind the yielder), and the g resumes at that prologue, where
    /// a frame that does not fit then grows the stack.</summary>
    PreemptCallChain,
}
