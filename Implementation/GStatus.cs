namespace Implementation;

/// <summary>
/// A goroutine's status word (<c>g.atomicstatus</c>), with Go 1.19's numbers. Each member answers: is the g on a run
/// queue, may it run user code, who owns its stack, is <c>g.m</c> set. Mirrors the _G* constants of runtime2.go.
/// </summary>
public enum GStatus : uint
{
    /// <summary>Just allocated, not initialised. Never published. No run queue, no M.</summary>
    Idle = 0,
    /// <summary>On a run queue (ring, runnext or global). Not running user code; stack not owned; g.m is null.</summary>
    Runnable = 1,
    /// <summary>May run user code. Owns its stack; not on a run queue; g.m valid, m.curg == g, the M holds a P.</summary>
    Running = 2,
    /// <summary>In a system call. Owns its stack; not on a run queue; has an M; its P is in Psyscall (m.oldp).</summary>
    Syscall = 3,
    /// <summary>Blocked on a semaphore, recorded in its wait queue so a release can ready it. g.m is null.</summary>
    Waiting = 4,
    /// <summary>Exited or on a gFree list. The M that exits it or takes it from a free list owns it.</summary>
    Dead = 6,
}
