using Implementation.Trace;
using Model.Workload;

namespace Conformance.Refinement;

/// <summary>Readable one-line forms of trace events and Go statuses, for reports and messages.</summary>
public static class TraceFormat
{
    /// <summary>Go's name of a g status number (runtime2.go).</summary>
    public static string GStatusName(long status) => status switch
    {
        0 => "Idle",
        1 => "Runnable",
        2 => "Running",
        3 => "Syscall",
        4 => "Waiting",
        5 => "Moribund_unused",
        6 => "Dead",
        7 => "Enqueue_unused",
        8 => "Copystack",
        9 => "Preempted",
        _ => $"0x{status:x}",
    };

    /// <summary>Go's name of a P status number (runtime2.go).</summary>
    public static string PStatusName(long status) => status switch
    {
        0 => "Pidle",
        1 => "Prunning",
        2 => "Psyscall",
        3 => "Pgcstop",
        4 => "Pdead",
        _ => $"P?{status}",
    };

    /// <summary>"GoStart g3 on m1/p0 (runnext)" style text with every argument named.</summary>
    public static string Describe(in TraceEvent e)
    {
        var where = $"m{e.M}/p{e.P}";
        return e.Kind switch
        {
            EventKind.StackGrow => $"StackGrow g{e.G} {e.A} -> {e.B} bytes on {where} (new stack {e.C:x}..{e.D:x})",
            EventKind.GoCreate => $"GoCreate g{e.A} body {e.B} by g{e.G} on {where} (stack {e.C:x}..{e.D:x})",
            EventKind.GoStart => $"GoStart g{e.G} on {where}{(e.A != 0 ? " (inherits time)" : "")}",
            EventKind.GoSched => $"GoSched g{e.G} on {where}",
            EventKind.GoBlock => $"GoBlock g{e.G} on sema {e.A} on {where}",
            EventKind.GoUnblock when e.C == TimerContract.UnblockByTimer => $"GoUnblock g{e.G} by its timer on {where}",
            EventKind.GoUnblock when e.C == NetpollContract.UnblockByNet => $"GoUnblock g{e.G} by the poller (pollDesc {e.B}) on {where}",
            EventKind.GoUnblock => $"GoUnblock g{e.G} by g{e.A} ({(e.C == ChanContract.UnblockByChannel ? "chan" : "sema")} {e.B}) on {where}",
            EventKind.GoSysCall => $"GoSysCall g{e.G} on {where}",
            EventKind.GoSysExit => $"GoSysExit g{e.G} {(e.A != 0 ? "fast" : "slow")} on {where}",
            EventKind.GoEnd => $"GoEnd g{e.G} on {where}",
            EventKind.Status => $"Status g{e.G} {GStatusName(e.A)} -> {GStatusName(e.B)} (E{e.C}) on {where}",
            EventKind.RunqPut => $"RunqPut g{e.G} p{e.P} head={e.A} tail={e.B}",
            EventKind.RunnextPut => $"RunnextPut g{e.G} p{e.P}{(e.A != 0 ? $" evicts g{e.A}" : "")}",
            EventKind.RunqGet => $"RunqGet g{e.G} p{e.P} head={e.A} tail={e.B}{(e.C != 0 ? " (runnext)" : "")}",
            EventKind.RunqPutSlow => $"RunqPutSlow g{e.G} p{e.P} moved {e.A} head={e.B}",
            EventKind.RunqSteal => $"RunqSteal g{e.G} p{e.P} from p{e.A} took {e.B} victim head={e.C}{(e.D != 0 ? " (runnext)" : "")}",
            EventKind.GlobRunqPut => $"GlobRunqPut g{e.G} size={e.A}",
            EventKind.GlobRunqGet => $"GlobRunqGet g{e.G} p{e.P} batch={e.A} size={e.B}",
            EventKind.GfPut => $"GfPut g{e.G} p{e.P} free={e.A}",
            EventKind.GfGet => $"GfGet g{e.G} p{e.P} free={e.A}",
            EventKind.GobufSave => $"GobufSave g{e.G} sp={e.A:x} pc={e.B:x} bp={e.C:x}",
            EventKind.GobufLoad => $"GobufLoad g{e.G} pc={e.A:x}",
            EventKind.SemCount => $"SemCount sema {e.A} count={e.B}",
            EventKind.PStatus => $"PStatus p{e.P} {PStatusName(e.A)} -> {PStatusName(e.B)} on m{e.M}",
            EventKind.GoBlockSend => $"GoBlockSend g{e.G} on chan {e.A} on {where}",
            EventKind.GoBlockRecv => $"GoBlockRecv g{e.G} on chan {e.A} on {where}",
            EventKind.GoBlockSelect => $"GoBlockSelect g{e.G} on {e.A} channel cases on {where}",
            EventKind.GoStop => $"GoStop g{e.G} ({(StopReason)e.A}{(e.B >= 0 ? $", chan {e.B}" : "")}) on {where}",
            EventKind.ChanSend => $"ChanSend g{e.G} chan {e.A} value {ChanValues.Describe(e.B)} {(ChanSendMode)e.C} ({Hchan(e.D)})",
            EventKind.ChanRecv => $"ChanRecv g{e.G} chan {e.A} value {ChanValues.Describe(e.B)} {(ChanRecvMode)e.C} ({Hchan(e.D)})",
            EventKind.ChanEnqueue => $"ChanEnqueue g{e.G} chan {e.A} {(e.B == 0 ? "sendq" : "recvq")} len={e.C}{(e.D >= 0 ? $" case {e.D}" : "")}",
            EventKind.ChanDequeueStale => $"ChanDequeueStale by g{e.G} chan {e.A} {(e.B == 0 ? "sendq" : "recvq")} skips g{e.C}'s select sudog",
            EventKind.ChanClose => $"ChanClose g{e.G} chan {e.A} releases {e.B} receivers, {e.C} senders",
            EventKind.ChanWoken => $"ChanWoken g{e.G} chan {e.A} {(e.D == 0 ? "send" : "recv")} value {ChanValues.Describe(e.B)}{(e.C == 0 ? " (closed)" : "")}",
            EventKind.Select => $"Select g{e.G} order #{e.A} of {e.C} cases{(e.D != 0 ? " + default" : "")}: {(e.B < 0 ? "parks" : $"case {e.B}")}",
            EventKind.SelectWoken => $"SelectWoken g{e.G} by case {e.A}, {e.B} sudogs dequeued{(e.C == 0 ? " (closed)" : "")}",
            EventKind.GoSleep => $"GoSleep g{e.G} on {where}",
            EventKind.TimerAdd => $"TimerAdd g{e.G} on p{e.A}'s heap when={e.B} heap size={e.C} on {where}",
            EventKind.TimerFire => $"TimerFire g{e.G} from p{e.A}'s heap when={e.B} heap size={e.C} on {where}",
            EventKind.TimeJump => $"TimeJump clock={e.A} starts m{e.C} with p{e.B} on {where}",
            EventKind.GoBlockNet => $"GoBlockNet g{e.G} on pollDesc {e.A} on {where}",
            EventKind.NetpollBlock => $"NetpollBlock g{e.G} pollDesc {e.A} reply at {e.B} netpollWaiters={e.C} on {where}",
            EventKind.Netpoll => $"Netpoll {(e.B != 0 ? "blocking site" : "netpoll(0)")} returned {e.A} g(s) on {where}",
            EventKind.InjectGlist => $"InjectGlist {e.A} to the global queue, {e.B} to the local one{(e.C == 0 ? " (no P)" : "")} on {where}",
            EventKind.PreemptRequest => $"PreemptRequest g{e.G} on p{e.A} (stackguard0 = stackPreempt) by m{e.M}",
            EventKind.GoPreempt => $"GoPreempt g{e.G} on {where}",
            EventKind.Morebuf => $"Morebuf g{e.G} sp={e.A:x} pc={e.B:x}{(e.C != 0 ? "" : " (another g)")} on {where}",
            _ => e.ToString(),
        };
    }

    private static string Hchan(long packed)
    {
        var (q, sx, rx) = ChanContract.Unpack(packed);
        return $"qcount={q} sendx={sx} recvx={rx}";
    }
}
