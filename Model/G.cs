namespace Model;

/// <summary>
/// A goroutine of the model (runtime2.go's g, abstracted). Slots index <see cref="SchedState.AllGs"/> and never
/// change (allgs only grows); goids are assigned by newproc1 on every (re)use.
/// </summary>
public sealed class G
{
    internal G(int slot, int repeatDepth)
    {
        Slot = slot;
        Counters = new int[repeatDepth];
    }

    /// <summary>Index in allgs.</summary>
    public int Slot { get; }
    /// <summary>g.goid: assigned by newproc1 from the P's goid cache; 0 before the first assignment.</summary>
    public long Goid { get; internal set; }
    /// <summary>g.atomicstatus. Written only through CasGStatus.</summary>
    public GStatus Status { get; internal set; }
    /// <summary>The body it runs (<c>Workload.BodyIndex</c>); -1 before newproc1.</summary>
    public int Body { get; internal set; } = -1;
    /// <summary>Where it resumes: the ordinal of the last scheduler op it executed, -1 before its first op.</summary>
    public int After { get; internal set; } = -1;
    /// <summary>Remaining iterations of each enclosing <c>repeat</c>, by nesting depth; 0 for blocks not entered.</summary>
    public int[] Counters { get; }
    /// <summary>g.m: the M's index + 1, 0 for nil. Written by execute and cleared by dropg.</summary>
    public int M { get; internal set; }
    /// <summary>The semaphore index + 1 it waits on (0: none); −(index + 1) once ready has woken it from that
    /// semaphore and it has yet to retry cansemacquire (semacquire1's loop). Cleared by the retry and goexit0.</summary>
    public int WaitSema { get; internal set; }
    /// <summary>g.sched.</summary>
    public Gobuf Sched;
    /// <summary>g.syscallsp in bytes below stack.hi (0 = zero). Written by reentersyscall, cleared by exitsyscall.</summary>
    public int SyscallSp { get; internal set; }
    /// <summary>hi − lo, 0 when the stack was freed (gfput of a grown stack).</summary>
    public int StackSize { get; internal set; }

    internal void CopyFrom(G o)
    {
        Goid = o.Goid; Status = o.Status; Body = o.Body; After = o.After; M = o.M; WaitSema = o.WaitSema;
        Sched = o.Sched; SyscallSp = o.SyscallSp; StackSize = o.StackSize;
        Array.Copy(o.Counters, Counters, Counters.Length);
    }

    public override string ToString() =>
        $"g{Goid}[slot {Slot}] {Status.GoName()} body={Body} after={After} m={M - 1} sched={Sched}" +
        (SyscallSp != 0 ? $" syscallsp={Gobuf.Offset(SyscallSp)}" : "") + (WaitSema > 0 ? $" sema={WaitSema - 1}" : WaitSema < 0 ? $" retry sema={-WaitSema - 1}" : "") +
        (Counters.Length > 0 ? $" repeat=[{string.Join(",", Counters)}]" : "") + $" stack={StackSize}";
}
