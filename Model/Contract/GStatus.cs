namespace Model.Contract;

/// <summary>
/// A goroutine's status word (<c>g.atomicstatus</c>) with Go 1.19's numbers. Mirrors the _G* constants of
/// runtime2.go. Every member answers the same four questions: on a run queue? running user code? who owns the
/// stack? is g.m set?
/// </summary>
public enum GStatus : uint
{
    /// <summary>Just allocated by malg, not initialised. On no run queue; runs no user code; no owner; g.m nil.
    /// Never published: allgadd throws "allgadd: bad status Gidle".</summary>
    Idle = 0,
    /// <summary>On a run queue (ring, runnext or global). Runs no user code; stack not owned; g.m nil.</summary>
    Runnable = 1,
    /// <summary>May run user code. On no run queue; the g owns its stack; g.m set, m.curg == g, the M holds a P.</summary>
    Running = 2,
    /// <summary>In a system call. On no run queue; runs no user code; the g owns its stack; g.m set; 1.19: its P
    /// is in _Psyscall and remembered in m.oldp.</summary>
    Syscall = 3,
    /// <summary>Blocked in the runtime and recorded (here: a semaphore wait queue) so someone can ready it. On no
    /// run queue; runs no user code; stack not owned; g.m nil after dropg.</summary>
    Waiting = 4,
    /// <summary>Unused; kept by Go because gdb scripts hard-code 5. Never entered.</summary>
    MoribundUnused = 5,
    /// <summary>Exited or on a gFree list. On no run queue (maybe a gFree list); runs no user code; the M exiting
    /// it or taking it from a free list owns it and its stack; g.m nil.</summary>
    Dead = 6,
    /// <summary>Unused. Never entered.</summary>
    EnqueueUnused = 7,
    /// <summary>The stack is being moved by newstack. On no run queue; runs no user code; the g that set it owns
    /// the stack; its M is on g0 on its behalf.</summary>
    CopyStack = 8,
    /// <summary>Stopped itself for a suspendG preemption; nobody is yet responsible for readying it. On no run
    /// queue; runs no user code; stack not owned; g.m nil. Not reachable in this model (no async preemption).</summary>
    Preempted = 9,
    /// <summary>Bit: GC or suspendG is scanning; the setter owns the stack. <c>status &amp;^ Scan</c> is where it returns.</summary>
    Scan = 0x1000,
    /// <summary>Scan | Runnable.</summary>
    ScanRunnable = Scan | Runnable,
    /// <summary>Scan | Running: only blocks transitions while a preemption request is posted.</summary>
    ScanRunning = Scan | Running,
    /// <summary>Scan | Syscall.</summary>
    ScanSyscall = Scan | Syscall,
    /// <summary>Scan | Waiting.</summary>
    ScanWaiting = Scan | Waiting,
    /// <summary>Scan | Preempted.</summary>
    ScanPreempted = Scan | Preempted,
}

/// <summary>Helpers over <see cref="GStatus"/>.</summary>
public static class GStatusExtensions
{
    /// <summary>Reference §7 property 1: the status word is one of {0,1,2,3,4,6,8,9,0x1001-0x1004,0x1009}.</summary>
    public static bool IsValid(this GStatus s) => s switch
    {
        GStatus.Idle or GStatus.Runnable or GStatus.Running or GStatus.Syscall or GStatus.Waiting or GStatus.Dead
            or GStatus.CopyStack or GStatus.Preempted or GStatus.ScanRunnable or GStatus.ScanRunning
            or GStatus.ScanSyscall or GStatus.ScanWaiting or GStatus.ScanPreempted => true,
        _ => false,
    };

    /// <summary>Go's name for the status, as in runtime2.go (gStatusStrings uses the lowercase word).</summary>
    public static string GoName(this GStatus s) => s switch
    {
        GStatus.Idle => "_Gidle",
        GStatus.Runnable => "_Grunnable",
        GStatus.Running => "_Grunning",
        GStatus.Syscall => "_Gsyscall",
        GStatus.Waiting => "_Gwaiting",
        GStatus.MoribundUnused => "_Gmoribund_unused",
        GStatus.Dead => "_Gdead",
        GStatus.EnqueueUnused => "_Genqueue_unused",
        GStatus.CopyStack => "_Gcopystack",
        GStatus.Preempted => "_Gpreempted",
        GStatus.ScanRunnable => "_Gscanrunnable",
        GStatus.ScanRunning => "_Gscanrunning",
        GStatus.ScanSyscall => "_Gscansyscall",
        GStatus.ScanWaiting => "_Gscanwaiting",
        GStatus.ScanPreempted => "_Gscanpreempted",
        _ => $"0x{(uint)s:x}",
    };
}
