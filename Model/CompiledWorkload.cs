using Model.Workload;

namespace Model;

/// <summary>How the model runs a <see cref="SelectOp"/> (docs/channels.md, "Which Go function each op is").</summary>
internal enum SelectKind : byte
{
    /// <summary><c>select {}</c>: block(), parked for good ("select (no cases)").</summary>
    Block,
    /// <summary>One channel case and no default: Go's compiler rewrites it into the plain chansend/chanrecv
    /// (walkSelectCases), then the case's block runs.</summary>
    Plain,
    /// <summary>One channel case and a default: selectnbsend / selectnbrecv (chansend/chanrecv with block = false).</summary>
    NonBlocking,
    /// <summary>Everything else: selectgo, whose poll order is a choice when two or more cases have a non-nil channel.</summary>
    Selectgo,
}

/// <summary>
/// The static facts of one <see cref="SelectOp"/>. Selects are numbered in pre-order over the workload, body by body
/// (body 0's selects first, in the order of their program points, then body 1's, ...): the same numbering the native
/// workload compiler passes to the Select and SelectWoken services (<see cref="CompiledWorkload.Selects"/>).
/// </summary>
internal sealed class SelectInfo
{
    /// <summary>The select's number (<see cref="CompiledWorkload.Selects"/>).</summary>
    public int Number;
    public int Body;
    /// <summary>The select op's ordinal in its body.</summary>
    public int Ordinal;
    public SelectKind Kind;
    /// <summary>Each case's ordinal (its <see cref="SelectCaseOp"/>), by case index (source order, default included).</summary>
    public int[] CaseOrdinals = [];
    /// <summary>Each case's kind, by case index.</summary>
    public SelectCaseKind[] CaseKinds = [];
    /// <summary>Each case's channel index, by case index (-1 for default).</summary>
    public int[] CaseChans = [];
    /// <summary>The default case's index, or -1.</summary>
    public int DefaultIndex = -1;
    /// <summary>The case indices whose channel is not nil, in source order: selectgo's poll set (n of them).</summary>
    public int[] PollCases = [];
    /// <summary>Whether a case sends: the op then takes a send value (ChanValues) whichever case wins.</summary>
    public bool HasSend;

    public bool HasDefault => DefaultIndex >= 0;
    /// <summary>How many poll orders the select offers as a choice: n! for selectgo with n ≥ 2 non-nil channel cases,
    /// else 1 (no choice).</summary>
    public int PollChoices => Kind == SelectKind.Selectgo && PollCases.Length >= 2 ? Contract.ChanContract.PollOrderCount(PollCases.Length) : 1;
}

/// <summary>
/// The static facts the model's steps need about each body, by program point (pre-order ordinal, as
/// <see cref="ProgramPoints"/> numbers them): where each op's subtree ends, its enclosing block, its repeat nesting
/// depth, its call depth, the exact rsp and rbp of its native frame (from <see cref="FrameAbi"/>, the layout the
/// workload compiler emits), whether its subtree touches the scheduler, and for channel ops their channel and
/// select facts.
/// </summary>
internal sealed class CompiledWorkload
{

    public CompiledWorkload(Workload.Workload workload)
    {
        Workload = workload;
        Points = new ProgramPoints(workload);
        var semas = workload.Semaphores();
        SemaIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < semas.Count; i++) SemaIndex[semas[i]] = i;
        ChanCapacity = workload.Channels.Select(c => c.IsNil ? 0 : c.Capacity).ToArray();
        ChanIsNil = workload.Channels.Select(c => c.IsNil).ToArray();
        Bodies = new BodyCode[workload.Bodies.Length];
        var selects = new List<SelectInfo>();
        for (var b = 0; b < Bodies.Length; b++)
        {
            var code = new BodyCode(Points.Count(b));
            var next = 0;
            // A body is entered at sp = hi − TopBytes (newproc1); its prologue pushes rbp (0) and subtracts its frame.
            var ops = workload.Bodies[b].Ops;
            code.EntryFrame = FrameAbi.FrameSize(0, ops);
            code.HasCall = workload.Bodies[b].HasCall;
            Lay(workload, b, ops, -1, 0, 0, FrameAbi.BodyBp + code.EntryFrame, FrameAbi.BodyBp, code, selects, ref next);
            Bodies[b] = code;
            RepeatDepth = Math.Max(RepeatDepth, code.MaxRepeatDepth);
        }
        Selects = selects;
        MainBody = workload.BodyIndex(Model.Workload.Workload.MainBody);
        UsesChannels = workload.Channels.Length > 0 || selects.Count > 0;
        HasPollChoices = selects.Any(s => s.PollChoices > 1);
        HasCalls = Bodies.Any(b => b.HasCall);
    }

    public Workload.Workload Workload { get; }
    public ProgramPoints Points { get; }
    public Dictionary<string, int> SemaIndex { get; }
    public BodyCode[] Bodies { get; }
    public int RepeatDepth { get; }
    public int MainBody { get; }

    /// <summary>Each channel's dataqsiz (0 for a nil channel), by channel index.</summary>
    public int[] ChanCapacity { get; }
    /// <summary>Whether channel i is declared nil.</summary>
    public bool[] ChanIsNil { get; }
    /// <summary>Every select of the workload by its number: pre-order over the workload, body by body (the numbering
    /// the native compiler uses for the Select and SelectWoken services).</summary>
    public IReadOnlyList<SelectInfo> Selects { get; }
    /// <summary>Whether the workload declares a channel or has a select: only then does the state carry (and encode)
    /// channel fields.</summary>
    public bool UsesChannels { get; }
    /// <summary>Whether some body has a <c>call</c> (Actions then offers sysmon's preemption requests).</summary>
    public bool HasCalls { get; }
    /// <summary>Whether some select offers a poll-order choice (Actions must then peek at each running g's next op).</summary>
    public bool HasPollChoices { get; }

    /// <summary>The select at <paramref name="ordinal"/> of <paramref name="body"/>.</summary>
    public SelectInfo SelectAt(int body, int ordinal) => Selects[Bodies[body].Select[ordinal]];

    private bool Lay(Workload.Workload w, int body, Block block, int parent, int repDepth, int callDepth, int sp, int bp, BodyCode code,
        List<SelectInfo> selects, ref int next)
    {
        var anySched = false;
        foreach (var op in block)
        {
            var n = next++;
            code.Ops[n] = op;
            code.Parent[n] = parent;
            code.RepDepth[n] = repDepth;
            code.CallDepth[n] = callDepth;
            code.SpOffset[n] = sp;
            code.BpOffset[n] = bp;
            code.Chan[n] = -1;
            code.Select[n] = -1;
            bool sched;
            switch (op)
            {
                case CallOp c:
                {
                    // CALL pushes the return address, the callee's prologue pushes rbp (rbp = that slot) and subtracts F.
                    var frame = FrameAbi.FrameSize(c.FrameBytes, c.Body);
                    code.CalleeFrame[n] = frame;
                    var calleeBp = sp + FrameAbi.CallOverheadBytes;
                    sched = Lay(w, body, c.Body, n, repDepth, callDepth + 1, calleeBp + frame, calleeBp, code, selects, ref next);
                    break;
                }
                case RepeatOp r:
                    code.MaxRepeatDepth = Math.Max(code.MaxRepeatDepth, repDepth + 1);
                    sched = Lay(w, body, r.Body, n, repDepth + 1, callDepth, sp, bp, code, selects, ref next);
                    break;
                case WorkOp: sched = false; break;
                case SleepOp sl: sched = sl.Micros > 0; break; // timeSleep(0) returns at once
                case IoOp: sched = true; break; // netpollblock always parks (the reply is never ready at once)
                case GoOp g: code.Target[n] = w.BodyIndex(g.Body); sched = true; break;
                case AcquireOp a: code.Sema[n] = SemaIndex[a.Sema]; sched = true; break;
                case ReleaseOp r: code.Sema[n] = SemaIndex[r.Sema]; sched = true; break;
                case SendOp so: code.Chan[n] = w.ChannelIndex(so.Chan); sched = true; break;
                case RecvOp ro: code.Chan[n] = w.ChannelIndex(ro.Chan); sched = true; break;
                case CloseOp co: code.Chan[n] = w.ChannelIndex(co.Chan); sched = true; break;
                case SelectOp sel:
                {
                    // Numbered before its cases' blocks, so a select nested in a case block comes after it (pre-order).
                    var info = new SelectInfo { Number = selects.Count, Body = body, Ordinal = n };
                    selects.Add(info);
                    code.Select[n] = info.Number;
                    var cases = sel.Cases.Count;
                    info.CaseOrdinals = new int[cases];
                    info.CaseKinds = new SelectCaseKind[cases];
                    info.CaseChans = new int[cases];
                    info.DefaultIndex = sel.DefaultIndex;
                    var poll = new List<int>();
                    for (var i = 0; i < cases; i++)
                    {
                        var cop = (SelectCaseOp)sel.Cases[i];
                        var ch = cop.Chan is null ? -1 : w.ChannelIndex(cop.Chan);
                        info.CaseKinds[i] = cop.Kind;
                        info.CaseChans[i] = ch;
                        if (ch >= 0 && !w.Channels[ch].IsNil) poll.Add(i);
                        if (cop.Kind == SelectCaseKind.Send) info.HasSend = true;
                    }
                    info.PollCases = [.. poll];
                    var channelCases = sel.ChannelCases;
                    info.Kind = cases == 0 ? SelectKind.Block
                        : channelCases == 1 && !info.HasDefault ? SelectKind.Plain
                        : channelCases == 1 ? SelectKind.NonBlocking
                        : SelectKind.Selectgo;
                    // The cases: each is numbered like an op; its block runs in the select's own frame (same sp, bp,
                    // repeat depth: FrameAbi.RepeatSlots counts a case block's repeats at the select's depth).
                    for (var i = 0; i < cases; i++)
                    {
                        var cop = (SelectCaseOp)sel.Cases[i];
                        var k = next++;
                        info.CaseOrdinals[i] = k;
                        code.Ops[k] = cop;
                        code.Parent[k] = n;
                        code.RepDepth[k] = repDepth;
                        code.CallDepth[k] = callDepth;
                        code.SpOffset[k] = sp;
                        code.BpOffset[k] = bp;
                        code.Chan[k] = info.CaseChans[i];
                        code.Select[k] = info.Number;
                        code.Sched[k] = Lay(w, body, cop.Body, k, repDepth, callDepth, sp, bp, code, selects, ref next);
                        code.End[k] = next;
                    }
                    sched = true;
                    break;
                }
                default: sched = true; break;
            }
            code.End[n] = next;
            code.Sched[n] = sched;
            anySched |= sched;
        }
        return anySched;
    }

    /// <summary>Per-body tables, indexed by ordinal.</summary>
    internal sealed class BodyCode
    {
        public BodyCode(int n)
        {
            Ops = new Op[n]; End = new int[n]; Parent = new int[n]; RepDepth = new int[n]; CallDepth = new int[n];
            SpOffset = new int[n]; BpOffset = new int[n]; CalleeFrame = new int[n];
            Sched = new bool[n]; Target = new int[n]; Sema = new int[n]; Chan = new int[n]; Select = new int[n];
        }

        public int Count => Ops.Length;
        public readonly Op[] Ops;
        /// <summary>One past the last ordinal of the op's subtree.</summary>
        public readonly int[] End;
        /// <summary>The enclosing call, repeat, select case (for a case block's ops) or select (for a case), -1 at the top.</summary>
        public readonly int[] Parent;
        /// <summary>Number of enclosing repeats: the op's own repeat (if any) counts in slot RepDepth.</summary>
        public readonly int[] RepDepth;
        /// <summary>Number of enclosing calls.</summary>
        public readonly int[] CallDepth;
        /// <summary>The function's rsp while the op runs, in bytes below the g's stack.hi: an mcall from this op (yield,
        /// park, exit, exitsyscall's slow path) saves exactly this sp. systemstack saves it + 16, morestack of a call
        /// here + 8 (<see cref="FrameAbi"/>).</summary>
        public readonly int[] SpOffset;
        /// <summary>The function's rbp while the op runs, in bytes below stack.hi: what mcall and systemstack save as bp.</summary>
        public readonly int[] BpOffset;
        /// <summary>call: the callee's frame F (<see cref="FrameAbi.FrameSize"/>), which its prologue checks.</summary>
        public readonly int[] CalleeFrame;
        /// <summary>The body's own frame F, which its prologue checks on entry at sp = hi − TopBytes.</summary>
        public int EntryFrame;
        /// <summary>Whether the op's subtree contains an op that touches the scheduler.</summary>
        public readonly bool[] Sched;
        /// <summary>go: the target body index.</summary>
        public readonly int[] Target;
        /// <summary>acquire/release: the semaphore index.</summary>
        public readonly int[] Sema;
        /// <summary>send/recv/close and a select case: the channel index (-1: none, or a default case).</summary>
        public readonly int[] Chan;
        /// <summary>A select and its cases: the select's number (<see cref="Selects"/>); -1 elsewhere.</summary>
        public readonly int[] Select;
        public int MaxRepeatDepth;
        /// <summary>Whether the body has a <c>call</c> (<see cref="Workload.Body.HasCall"/>, the runtime's test too): only
        /// then is a preemption request offered.</summary>
        public bool HasCall;
    }
}
