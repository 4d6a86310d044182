namespace Model.Contract;

/// <summary>A P's status with Go's numbers. Mirrors the _P* constants of runtime2.go (1.19).</summary>
public enum PStatus : byte
{
    /// <summary>Not running user code or the scheduler; on sched.pidle; its run queue is empty (pidleput throws otherwise).</summary>
    Idle = 0,
    /// <summary>Owned by an M running user code or the scheduler; only that M may change the status.</summary>
    Running = 1,
    /// <summary>Its M is in a system call; p.m is 0 and the M remembers it in m.oldp; sysmon may retake it.</summary>
    Syscall = 2,
    /// <summary>Halted for stop-the-world. Not modelled (no GC).</summary>
    GcStop = 3,
    /// <summary>No longer used (GOMAXPROCS shrank). Not modelled (GOMAXPROCS is fixed).</summary>
    Dead = 4,
}
