using Model.Workload;

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
    /// <summary>gp.preempt, set with <see cref="GuardPreempt"/> by sysmon's preemptone and cleared by execute alone, as
    /// in Go: a g preempted by newstack, or one that parked or exited with a request pending, keeps it until it is next
    /// executed.</summary>
    public bool Preempt { get; internal set; }
    /// <summary>stackguard0 = stackPreempt (otherwise it is stack.lo + _StackGuard, or 0 without a stack). Set by
    /// preemptone, cleared by execute, and by gfput's stackfree with the stack (a dead g then keeps only
    /// <see cref="Preempt"/>, and gfget's new stack gets the plain guard, as in Go). Copystack would clobber it too,
    /// but no g grows with it set: the first checked prologue after a request delivers it.</summary>
    public bool GuardPreempt { get; internal set; }
    /// <summary>The call whose prologue the g resumes at, -1 for none: newstack preempted it there (gopreempt_m), and
    /// gogo will jump back to the pc morestack saved, which re-runs the check. Cleared when its Run step starts.
    /// (A preemption at the body's own prologue needs none: <see cref="After"/> = -1 already resumes there.)</summary>
    public int ResumeCall { get; internal set; } = -1;
    /// <summary>Parked by time.Sleep with its timer on a P's heap (wait reason "sleep"); cleared when the timer fires.</summary>
    public bool Sleeping { get; internal set; }
    /// <summary>gp.timer.when: the deadline of the g's sleep timer (µs), kept after it fired as Go keeps gp.timer;
    /// 0 when it never slept. Cleared by goexit0 (the record's next life starts afresh).</summary>
    public long TimerWhen { get; internal set; }
    /// <summary>The id of the pollDesc whose rg holds this g (netpollblockcommit set rg = g; wait reason "IO wait"),
    /// 0 when it waits on no pollDesc. Cleared by netpoll's netpollready (rg becomes pdReady).</summary>
    public int NetPd { get; internal set; }

    // ---- channels (docs/channels.md); always 0 / None in a workload without channels or selects ----

    /// <summary>The sends this goid has started (a send op, or a select with a send case, whichever case wins): the
    /// n-th sends <c>ChanValues.Of(goid, n)</c>. Reset by newproc1 (a new goid) and cleared by goexit0. Its send slot
    /// holds <see cref="SendValue"/>.</summary>
    public int SendSeq { get; internal set; }
    /// <summary>The receive slot of the frame that received last: the last value a receive got (0 for a closed,
    /// empty channel). The model keeps one slot per g, not one per frame: only the slot of the receive in progress is
    /// ever read back (ChanWoken's B). Cleared by newproc1 and goexit0.</summary>
    public long RecvSlot { get; internal set; }
    /// <summary>The wait reason of a g parked by a channel op or a select (None otherwise; a semaphore's waiter is
    /// told by <see cref="WaitSema"/>). Set by park_m, cleared by ready.</summary>
    internal WaitReason ChanWait;
    /// <summary>g.selectDone: set by the waker whose dequeue won this g's select; cleared by selectgo's pass 3.</summary>
    public bool SelectDone { get; internal set; }
    /// <summary>gp.param after a channel wake-up: <see cref="NoWake"/> (nil), -1 (the plain op's sudog) or the select
    /// case whose sudog woke it. While it is not NoWake the g's next Run step first runs the op's tail (chansend's or
    /// chanrecv's code after gopark, or selectgo's pass 3), which clears it.</summary>
    public int WakeCase { get; internal set; } = NoWake;
    /// <summary>sudog.success of the sudog that woke it: false when closechan woke it.</summary>
    public bool WakeSuccess { get; internal set; }

    /// <summary><see cref="WakeCase"/>'s nil.</summary>
    public const int NoWake = -2;

    /// <summary>What its send slot holds: the value of its latest send (0 before the first).</summary>
    public long SendValue => SendSeq == 0 ? 0 : ChanValues.Of(Goid, SendSeq);

    /// <summary>g.waitreason as Go names it, for a waiting g: the semaphore's or the channel op's (None otherwise).</summary>
    public WaitReason WaitReason => WaitSema > 0 ? WaitReason.Semacquire : Sleeping ? WaitReason.Sleep : NetPd != 0 ? WaitReason.IOWait : ChanWait;

    /// <summary>Whether a channel op's tail is pending (the g was woken by a channel and has not run since).</summary>
    public bool ChanWoken => WakeCase != NoWake;

    internal void CopyFrom(G o)
    {
        Goid = o.Goid; Status = o.Status; Body = o.Body; After = o.After; M = o.M; WaitSema = o.WaitSema;
        Sched = o.Sched; SyscallSp = o.SyscallSp; StackSize = o.StackSize; Preempt = o.Preempt; GuardPreempt = o.GuardPreempt; ResumeCall = o.ResumeCall;
        SendSeq = o.SendSeq; RecvSlot = o.RecvSlot; ChanWait = o.ChanWait; SelectDone = o.SelectDone;
        WakeCase = o.WakeCase; WakeSuccess = o.WakeSuccess;
        Sleeping = o.Sleeping; TimerWhen = o.TimerWhen; NetPd = o.NetPd;
        Array.Copy(o.Counters, Counters, Counters.Length);
    }

    public override string ToString() =>
        $"g{Goid}[slot {Slot}] {Status.GoName()} body={Body} after={After} m={M - 1} sched={Sched}" +
        (SyscallSp != 0 ? $" syscallsp={Gobuf.Offset(SyscallSp)}" : "") + (WaitSema > 0 ? $" sema={WaitSema - 1}" : WaitSema < 0 ? $" retry sema={-WaitSema - 1}" : "") +
        (Counters.Length > 0 ? $" repeat=[{string.Join(",", Counters)}]" : "") + $" stack={StackSize}" + (Preempt ? " preempt" : "") + (GuardPreempt ? " stackguard0=stackPreempt" : "") + (ResumeCall >= 0 ? $" resumes at op{ResumeCall}'s prologue" : "") +
        (SendSeq != 0 ? $" sendseq={SendSeq}" : "") + (RecvSlot != 0 ? $" recvslot={Hchan.V(RecvSlot)}" : "") +
        (ChanWait != WaitReason.None ? $" wait=\"{ChanWait.GoName()}\"" : "") + (SelectDone ? " selectDone" : "") +
        (WakeCase != NoWake ? $" woken(case {WakeCase}, {(WakeSuccess ? "ok" : "closed")})" : "") +
        (Sleeping ? " sleeping" : "") + (TimerWhen != 0 ? $" timer.when={TimerWhen}" : "") + (NetPd != 0 ? $" pd={NetPd}" : "");
}
