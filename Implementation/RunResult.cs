using Implementation.Trace;

namespace Implementation;

/// <summary>What a run of the native runtime did.</summary>
public sealed record RunResult
{
    public RunOutcome Outcome { get; init; }
    /// <summary>Empty when completed; Go's text otherwise ("fatal error: all goroutines are asleep - deadlock!" ...).</summary>
    public string Message { get; init; } = "";
    /// <summary>The gs left Waiting at the end, by goid (the deadlock report's list).</summary>
    public IReadOnlyList<BlockedGoroutine> Blocked { get; init; } = [];
    public RunCounters Counters { get; init; } = new(0, 0, 0, 0, 0, 0, 0, 0);
    /// <summary>From the first M's start to the end of the run (compilation excluded).</summary>
    public TimeSpan Elapsed { get; init; }
    /// <summary>The merged trace (by sequence number) when tracing was on, else null.</summary>
    public IReadOnlyList<TraceEvent>? Trace { get; init; }
    /// <summary>Some M's buffer filled up and events were dropped.</summary>
    public bool TraceTruncated { get; init; }
    /// <summary>The state snapshots of a run with <see cref="RuntimeOptions.Snapshots"/>, in the order taken (null otherwise).</summary>
    public IReadOnlyList<Snapshots.RuntimeSnapshot>? Snapshots { get; init; }
    /// <summary>Controlled mode: every choice made, to replay through <see cref="RuntimeOptions.Replay"/>.</summary>
    public IReadOnlyList<int> Choices { get; init; } = [];
    /// <summary>Controlled mode: the same choices, typed (what each decided, among how many options, by which M).</summary>
    public IReadOnlyList<ControlledChoice> ChoiceLog { get; init; } = [];
    /// <summary>The compiled workload's symbol table (resume pc → program point, body entries).</summary>
    public required SymbolTable Symbols { get; init; }
    /// <summary>Every G record at the end of the run (a reused record appears once, with its last goid).
    /// For per-goid stack bounds over the whole run, use the trace's GoCreate events.</summary>
    public IReadOnlyList<GoroutineInfo> Goroutines { get; init; } = [];
    public int Procs { get; init; }
    /// <summary>Some M thread did not leave when the run ended (it is still inside goroutine code, e.g. past the
    /// timeout): its stack and code stay mapped for good. A process that runs many workloads should be replaced.</summary>
    public bool ThreadsLeftBehind { get; init; }
}

/// <summary>A goroutine left blocked: its goid, body, the semaphore it waits on, Go's wait reason, and where it parked.</summary>
public sealed record BlockedGoroutine(long Goid, string Body, string Semaphore, string WaitReason, Model.Workload.ProgramPoint? At);

/// <summary>A G record at the end of a run.</summary>
public sealed record GoroutineInfo(long Goid, long ParentGoid, int Body, string BodyName, nint StackLo, nint StackHi, GStatus Status);

/// <summary>Totals of a run.</summary>
/// <param name="Created">Goroutines created (main included).</param>
/// <param name="Switches">Switches into goroutines (entry calls).</param>
/// <param name="Syscalls">System calls entered.</param>
/// <param name="Steals">Successful runqsteal calls.</param>
/// <param name="SyscallSlowPaths">exitsyscall slow paths (exitsyscall0).</param>
/// <param name="Handoffs">handoffp calls.</param>
/// <param name="Retakes">Ps retaken from system calls by sysmon.</param>
/// <param name="Ms">Ms (threads) started.</param>
/// <param name="PreemptRequests">Preemption requests made by sysmon's retake (free-running; controlled runs' requests
/// are choices, not counted).</param>
/// <param name="Preemptions">Requests delivered: gopreempt_m calls from newstack.</param>
public sealed record RunCounters(long Created, long Switches, long Syscalls, long Steals, long SyscallSlowPaths, long Handoffs, long Retakes, int Ms,
    long PreemptRequests = 0, long Preemptions = 0);
