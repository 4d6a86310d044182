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
}
