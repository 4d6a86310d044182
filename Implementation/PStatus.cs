namespace Implementation;

/// <summary>A P's status, with Go's numbers. Mirrors the _P* constants of runtime2.go.</summary>
public enum PStatus : int
{
    /// <summary>Not running user code; on sched.pidle; its run queue is empty (pidleput checks).</summary>
    Idle = 0,
    /// <summary>Owned by an M that runs user code or the scheduler.</summary>
    Running = 1,
    /// <summary>Its M is in a system call (remembered in m.oldp); sysmon may retake it.</summary>
    Syscall = 2,
    /// <summary>Not used by this runtime (no stop-the-world).</summary>
    GcStop = 3,
    /// <summary>Not used by this runtime (GOMAXPROCS is fixed for a run).</summary>
    Dead = 4,
}
