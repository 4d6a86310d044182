namespace Model;

/// <summary>What the model is configured to be. Values are Go 1.19 linux/amd64 unless said otherwise.</summary>
public sealed record SchedConfig
{
    /// <summary>GOMAXPROCS: the number of Ps.</summary>
    public int Procs { get; init; } = 1;

    /// <summary>Whether sysmon runs: it may retake a P from a syscall (an enabled action whenever a P is in _Psyscall)
    /// and preempt a g that runs calls (<see cref="SchedActionKind.Preempt"/>); time is abstracted away, so "the
    /// syscall took long enough" and "the g has run 10 ms" are choices. Off: syscalls always take the fast path, and no
    /// g is ever preempted.</summary>
    public bool Sysmon { get; init; }

    /// <summary>With <see cref="Sysmon"/>: whether its retake of Ps in syscalls is a choice (default). Off, sysmon only
    /// makes preemption requests (vs-go follows Go's preemptions on one P, and keeps syscalls on the fast path).</summary>
    public bool SysmonRetakes { get; init; } = true;

    /// <summary>Whether stacks grow (Go: newstack, E12/E13, doubling). Off: fixed stacks of
    /// <see cref="StackBytes"/>, and a frame that does not fit is the overflow fatal error (the native runtime).</summary>
    public bool GrowStacks { get; init; } = true;

    /// <summary>The starting stack size (fixedStack / startingStackSize: 2048).</summary>
    public int StackBytes { get; init; } = 2048;

    /// <summary>maxstacksize: above it newstack reports "goroutine stack exceeds N-byte limit".</summary>
    public int MaxStackBytes { get; init; } = 1_000_000_000;

    /// <summary>_StackGuard: stackguard0 = stack.lo + this. A function's prologue fits when the offset it compares
    /// (<see cref="FrameAbi.PrologueNeed"/>) is below size − guard (<see cref="FrameAbi.PrologueFits"/>).</summary>
    public int StackGuardBytes { get; init; } = 928;

    /// <summary>Whether a fresh g's stack is coloured as the native runtime colours it (<see cref="FrameAbi.StackColour"/>
    /// of its allgs index, not in Go): its usable size is <see cref="StackBytes"/> minus the colour, which its
    /// prologue checks see.</summary>
    public bool ColourStacks { get; init; }

    /// <summary>The starting stack size of the g in allgs slot <paramref name="slot"/>: what malg gives it, and what
    /// gfput keeps (a stack of any other size grew, and is freed).</summary>
    public int StartingStackBytes(int slot) => ColourStacks ? StackBytes - FrameAbi.StackColour(slot) : StackBytes;

    /// <summary>Symmetry reduction over goroutine identities: states that differ only by which g record (slot) and
    /// which goid each goroutine has are explored once. Sound for every property here, none of which depends on goid
    /// values beyond their uniqueness (checked on the concrete states).</summary>
    public bool Symmetry { get; init; }

    /// <summary>P0's schedtick when the run starts (default 0). findRunnable's 1-in-61 check looks at schedtick % 61,
    /// so this is the phase of the fairness counter when main starts; vs-go sets Go's P0 to the same phase before a
    /// workload (see docs/go-vs-model.md).</summary>
    public uint InitialSchedTick { get; init; }
}
