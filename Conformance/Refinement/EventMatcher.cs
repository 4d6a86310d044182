using Implementation.Trace;
using Model;
using Model.Workload;

namespace Conformance.Refinement;

/// <summary>
/// The abstraction function's event half: compares one model event with one runtime event, field by field, after
/// mapping the runtime's raw values (<see cref="Abstraction"/>). The two alphabets share kinds and numbers
/// (Model.EventKind mirrors EventKind), so the comparison is per kind: which arguments carry
/// plain values (goids, statuses, queue indices) and which carry raw addresses.
/// </summary>
public static class EventMatcher
{
    /// <summary>Null when <paramref name="r"/> is the runtime form of <paramref name="m"/>; otherwise what differs.
    /// The M is not compared here (the checker maps model Ms to runtime Ms).</summary>
    public static string? Compare(in SchedEvent m, in TraceEvent r, Abstraction abs)
    {
        if (m.Kind != r.Kind) return $"the model's step does {m.Kind} here, the runtime did {r.Kind}";
        if (m.P != r.P) return $"{r.Kind} on p{r.P}, the model is on p{m.P}";
        if (m.G != r.G) return $"{r.Kind} is about g{r.G}, the model's about g{m.G}";
        switch (r.Kind)
        {
            case EventKind.GoCreate:
                // The stack: the model knows only its size, the runtime reports its bounds (and may keep a few bytes
                // at the top for itself), so the abstraction compares "has a stack" (newproc1: "newg missing stack").
                return Field("child goid", m.A, r.A) ?? Field("body", m.B, r.B)
                    ?? Field("has a stack", m.C > 0 ? 1 : 0, abs.StackSize(r) > 0 ? 1 : 0, v => v != 0 ? "yes" : "no");
            case EventKind.GoStart:
            case EventKind.GoBlock:
            case EventKind.GoSysExit:
            case EventKind.RunnextPut:
            case EventKind.GlobRunqPut:
            case EventKind.GfPut:
            case EventKind.GfGet:
                return Field(ArgName(r.Kind), m.A, r.A);
            case EventKind.GoUnblock:
                return Field("readied by", m.A, r.A) ?? Field("what it waited on", (m.C, m.B), (r.C, r.B), WaitedOn);
            case EventKind.GoBlockSend:
            case EventKind.GoBlockRecv:
                return Field("channel", m.A, r.A);
            case EventKind.GoBlockSelect:
                return Field("channel cases", m.A, r.A);
            case EventKind.GoStop:
                return Field("why", m.A, r.A, v => ((StopReason)v).ToString()) ?? Field("channel", m.B, r.B);
            case EventKind.ChanSend:
                return Field("channel", m.A, r.A) ?? Field("value sent", m.B, r.B, ChanValues.Describe)
                    ?? Field("how", m.C, r.C, v => ((ChanSendMode)v).ToString())
                    ?? Field("hchan after", m.D, r.D, Hchan);
            case EventKind.ChanRecv:
                return Field("channel", m.A, r.A) ?? Field("value received", m.B, r.B, ChanValues.Describe)
                    ?? Field("how", m.C, r.C, v => ((ChanRecvMode)v).ToString())
                    ?? Field("hchan after", m.D, r.D, Hchan);
            case EventKind.ChanEnqueue:
                return Field("channel", m.A, r.A) ?? Field("queue", m.B, r.B, Queue) ?? Field("queue length after", m.C, r.C)
                    ?? Field("select case", m.D, r.D);
            case EventKind.ChanDequeueStale:
                return Field("channel", m.A, r.A) ?? Field("queue", m.B, r.B, Queue) ?? Field("stale sudog's goid", m.C, r.C);
            case EventKind.ChanClose:
                return Field("channel", m.A, r.A) ?? Field("receivers released", m.B, r.B) ?? Field("senders released", m.C, r.C);
            case EventKind.ChanWoken:
                return Field("channel", m.A, r.A) ?? Field("value", m.B, r.B, ChanValues.Describe)
                    ?? Field("success", m.C, r.C) ?? Field("op", m.D, r.D, v => v == 0 ? "send" : "receive");
            case EventKind.Select:
                return Field("poll order code", m.A, r.A) ?? Field("case taken", m.B, r.B, v => v < 0 ? "none (park)" : $"case {v}")
                    ?? Field("channel cases", m.C, r.C) ?? Field("has default", m.D, r.D);
            case EventKind.TimerAdd:
            case EventKind.TimerFire:
                return Field("heap's P", m.A, r.A) ?? Field("when", m.B, r.B) ?? Field("heap size after", m.C, r.C);
            case EventKind.TimeJump:
                // C names the M started: model and runtime M ids differ (the M binding maps them), so it is not compared.
                return Field("clock after", m.A, r.A) ?? Field("P handed over", m.B, r.B);
            case EventKind.GoBlockNet:
                return Field("pollDesc", m.A, r.A);
            case EventKind.PreemptRequest:
                return Field("P preempted", m.A, r.A);
            case EventKind.Morebuf:
                return Offset("morebuf.sp", m.A, r.A, r.G, abs, "runtime.morestack")
                    ?? Pc("morebuf.pc", m.B, r.B, r.G, abs)
                    ?? Field("morebuf.g is the g", m.C, r.C, v => v != 0 ? "yes" : "no");
            case EventKind.NetpollBlock:
                return Field("pollDesc", m.A, r.A) ?? Field("reply's deadline", m.B, r.B) ?? Field("netpollWaiters after", m.C, r.C);
            case EventKind.Netpoll:
                return Field("gs returned", m.A, r.A) ?? Field("call site", m.B, r.B, v => v != 0 ? "the blocking poll" : "netpoll(0) before stealing");
            case EventKind.InjectGlist:
                return Field("to the global queue", m.A, r.A) ?? Field("to the local queue", m.B, r.B) ?? Field("had a P", m.C, r.C);
            case EventKind.SelectWoken:
                return Field("case that woke it", m.A, r.A) ?? Field("sudogs dequeued in pass 3", m.B, r.B) ?? Field("success", m.C, r.C);
            case EventKind.StackGrow:
                // The new bounds are addresses (the model has none): the sizes say it all, and the abstraction takes the
                // new hi for every later sp and bp.
                return Field("old stack size", m.A, r.A) ?? Field("new stack size", m.B, r.B);
            case EventKind.RunqPut:
            case EventKind.RunqPutSlow:
            case EventKind.GlobRunqGet:
            case EventKind.SemCount:
            case EventKind.PStatus:
                return Field(ArgName(r.Kind), m.A, r.A) ?? Field(ArgName(r.Kind, 1), m.B, r.B);
            case EventKind.Status:
                return Field("old status", m.A, r.A, TraceFormat.GStatusName) ?? Field("new status", m.B, r.B, TraceFormat.GStatusName)
                    ?? Field("edge", m.C, r.C, e => $"E{e}");
            case EventKind.RunqGet:
                return Field("head after", m.A, r.A) ?? Field("tail", m.B, r.B) ?? Field("from runnext", m.C, r.C);
            case EventKind.RunqSteal:
                return Field("victim", m.A, r.A) ?? Field("number taken", m.B, r.B) ?? Field("victim head after", m.C, r.C)
                    ?? Field("took runnext", m.D, r.D);
            case EventKind.GobufSave:
            {
                var sp = Offset("sched.sp", m.A, r.A, r.G, abs, SaveWriter(r.D));
                if (sp is not null) return sp;
                // An mcall that parks the g (gosched, park, exitsyscall0) saves where it will resume: that must be
                // the exact resume point. entersyscall's save(pc, sp) and morestack's save name the op they are in.
                var resumes = r.D is (long)McallReason.Gosched or (long)McallReason.Park or (long)McallReason.ExitSyscall;
                var pc = Pc("sched.pc", m.B, r.B, r.G, abs, resumes);
                if (pc is not null) return pc;
                return Offset("sched.bp", m.C, r.C, r.G, abs, SaveWriter(r.D));
            }
            case EventKind.GobufLoad:
                return Pc("pc jumped to", m.A, r.A, r.G, abs, exact: true)
                    ?? Offset("sched.sp loaded", m.B, r.B, r.G, abs, "runtime.gogo (loads what the last save wrote)")
                    ?? Offset("sched.bp loaded", m.C, r.C, r.G, abs, "runtime.gogo (loads what the last save wrote)");
            default:
                return null; // GoSched, GoSysCall, GoEnd: kind, P and G say it all
        }
    }

    private static string ArgName(EventKind k, int i = 0) => (k, i) switch
    {
        (EventKind.GoStart, _) => "inheritTime",
        (EventKind.GoBlock, _) => "semaphore",
        (EventKind.GoSysExit, _) => "fast path",
        (EventKind.RunnextPut, _) => "evicted goid",
        (EventKind.GlobRunqPut, _) => "global size after",
        (EventKind.GfPut or EventKind.GfGet, _) => "gFree count after",
        (EventKind.GoUnblock, 0) => "readied by",
        (EventKind.GoUnblock, _) => "semaphore",
        (EventKind.RunqPut, 0) => "head",
        (EventKind.RunqPut, _) => "tail after",
        (EventKind.RunqPutSlow, 0) => "number moved",
        (EventKind.RunqPutSlow, _) => "head after",
        (EventKind.GlobRunqGet, 0) => "batch size",
        (EventKind.GlobRunqGet, _) => "global size after",
        (EventKind.SemCount, 0) => "semaphore",
        (EventKind.SemCount, _) => "count after",
        (EventKind.PStatus, 0) => "old P status",
        (EventKind.PStatus, _) => "new P status",
        _ => "argument",
    };

    private static string Hchan(long packed)
    {
        var (q, sx, rx) = ChanContract.Unpack(packed);
        return $"qcount {q}, sendx {sx}, recvx {rx}";
    }

    private static string Queue(long q) => q == 0 ? "sendq" : "recvq";

    private static string WaitedOn((long Kind, long Index) w) =>
        w.Kind == ChanContract.UnblockByChannel ? $"channel {w.Index}" : w.Kind == TimerContract.UnblockByTimer ? "its timer" : w.Kind == NetpollContract.UnblockByNet ? $"the poller (pollDesc {w.Index})" : $"semaphore {w.Index}";

    private static string? Field<T>(string name, T model, T runtime, Func<T, string> show) where T : IEquatable<T> =>
        model.Equals(runtime) ? null : $"{name}: the model has {show(model)}, the runtime {show(runtime)}";

    private static string? Field(string name, long model, long runtime, Func<long, string>? show = null)
    {
        if (model == runtime) return null;
        show ??= v => v.ToString();
        return $"{name}: the model has {show(model)}, the runtime {show(runtime)}";
    }

    /// <summary>The Go function that wrote a GobufSave's fields, from the runtime's D (the mcall reason, or -1).</summary>
    private static string SaveWriter(long d) => d switch
    {
        -1 => "runtime.reentersyscall's save(pc, sp), after systemstack's switch",
        (long)McallReason.Morestack => "runtime.morestack",
        (long)McallReason.Exit => "runtime.mcall (from goexit1 or an exit op)",
        (long)McallReason.Gosched => "runtime.mcall (gosched_m)",
        (long)McallReason.Park => "runtime.mcall (park_m)",
        (long)McallReason.ExitSyscall => "runtime.mcall (exitsyscall0)",
        _ => "runtime.mcall",
    };

    /// <summary>An sp or bp compared exactly: the model's offset below stack.hi against the runtime's raw value mapped
    /// through the g's own stack.hi. The message names the field, both values as hi−N and as raw hex, and the writer.</summary>
    private static string? Offset(string name, long model, long raw, long goid, Abstraction abs, string writer)
    {
        if (!abs.ExactStacks) return Place(name, model, raw, goid, abs);
        var runtime = abs.StackOffset(raw, goid);
        if (runtime == model) return null;
        var hi = abs.StackHi(goid);
        return $"{name} (written by {writer}): the model has {Show(model, hi)}, the runtime {(runtime is { } r ? Show(r, hi) : $"0x{raw:x}, and g{goid}'s stack is unknown")}";
    }

    /// <summary>For a foreign runtime's trace: only "zero" against "inside the g's stack".</summary>
    private static string? Place(string name, long model, long raw, long goid, Abstraction abs)
    {
        var where = abs.Where(raw, goid);
        var want = model == 0 ? Abstraction.Place.Zero : Abstraction.Place.InsideStack;
        if (where == want) return null;
        return $"{name}: the model has {(want == Abstraction.Place.Zero ? "0" : "a value inside the stack")}, " +
               $"the runtime {(where == Abstraction.Place.Zero ? "0" : where == Abstraction.Place.InsideStack ? "a value inside the stack" : $"0x{raw:x}, outside g{goid}'s stack")}";
    }

    private static string Show(long offset, long? hi) =>
        offset == 0 ? "0" : hi is { } h ? $"hi-{offset} (0x{h - offset:x})" : $"hi-{offset}";

    private static string? Pc(string name, long modelCode, long raw, long goid, Abstraction abs, bool exact = false)
    {
        var code = exact ? abs.ResumePcCode(raw, goid) : abs.PcCode(raw, goid);
        if (code == modelCode) return null;
        var runtime = code < 0 ? $"0x{raw:x}, which is no program point" : AbstractPc.FromCode(code).ToString();
        return $"{name}: the model has {AbstractPc.FromCode((int)modelCode)}, the runtime {runtime}";
    }

    /// <summary>The model's event written in the same words as <see cref="TraceFormat.Describe"/>.</summary>
    public static string Describe(in SchedEvent m) => m.Kind switch
    {
        EventKind.GobufSave => $"GobufSave g{m.G} sp={Show(m.A, null)} pc={AbstractPc.FromCode((int)m.B)} bp={Show(m.C, null)}",
        EventKind.GobufLoad => $"GobufLoad g{m.G} pc={AbstractPc.FromCode((int)m.A)} sp={Show(m.B, null)} bp={Show(m.C, null)}",
        EventKind.GoCreate => $"GoCreate g{m.A} body {m.B} by g{m.G} on m{m.M}/p{m.P} (stack size {m.C})",
        EventKind.Morebuf => $"Morebuf g{m.G} sp={Show(m.A, null)} pc={AbstractPc.FromCode((int)m.B)}{(m.C != 0 ? "" : " (another g)")}",
        _ => TraceFormat.Describe(ToTrace(m, 0, m.M)),
    };

    /// <summary>The model event as a trace event (values stay abstract: use with <see cref="Abstraction.Identity"/>).</summary>
    public static TraceEvent ToTrace(in SchedEvent m, ulong seq, int runtimeM) => new()
    {
        Seq = seq, Kind = m.Kind, M = (short)runtimeM, P = (short)m.P, G = m.G, A = m.A, B = m.B, C = m.C, D = m.D,
    };
}
