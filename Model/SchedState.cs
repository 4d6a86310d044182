using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Model.Workload;

namespace Model;

/// <summary>How a run ended, when it has.</summary>
public enum Outcome : byte
{
    /// <summary>Still running.</summary>
    Running = 0,
    /// <summary>Every g has ended (unlike Go, main ending does not end the others: ARCHITECTURE.md).</summary>
    Completed,
    /// <summary>A fatal error: see <see cref="SchedState.Fatal"/> (the deadlock included).</summary>
    Fatal,
}

/// <summary>
/// One state of the scheduler model: every g (allgs), M and P, and the global parts of runtime2.go's schedt.
/// Mutable inside the model's steps; <see cref="SchedModel.Step"/> never changes the state it is given.
/// Queues hold g slots (not goids); gs are named by slot so that a reused g keeps its record.
/// </summary>
public sealed class SchedState
{
    internal SchedState(int procs, CompiledWorkload code)
    {
        Code = code;
        RepeatDepth = code.RepeatDepth;
        var semas = code.SemaIndex.Count;
        for (var i = 0; i < procs; i++) Ps.Add(new P(i));
        SemaCount = new int[semas];
        SemaWaiters = new List<int>[semas];
        for (var i = 0; i < semas; i++) SemaWaiters[i] = [];
        UsesChannels = code.UsesChannels;
        Chans = new Hchan[code.ChanCapacity.Length];
        for (var i = 0; i < Chans.Length; i++) Chans[i] = new Hchan(i, code.ChanCapacity[i], code.ChanIsNil[i]);
    }

    internal int RepeatDepth { get; }
    /// <summary>The compiled workload the state belongs to (static; not part of the state's value).</summary>
    internal CompiledWorkload Code { get; }
    /// <summary>Whether the workload has channels or selects: only then are the channel fields of gs and the
    /// channels themselves encoded (so a workload without them pays nothing).</summary>
    internal bool UsesChannels { get; }

    /// <summary>allgs, in allocation order. Never shrinks.</summary>
    public List<G> AllGs { get; } = [];
    /// <summary>allm, in creation order.</summary>
    public List<M> Ms { get; } = [];
    /// <summary>allp.</summary>
    public List<P> Ps { get; } = [];

    /// <summary>sched.goidgen: the last goid handed to a cache block.</summary>
    public long GoidGen { get; internal set; }
    /// <summary>sched.runq: the global run queue, FIFO, head first (g slots).</summary>
    internal readonly List<int> RunQ = [];
    /// <summary>sched.runqsize: Go's separate count (property: equals the list length).</summary>
    public int RunQSize { get; internal set; }
    /// <summary>sched.gFree.stack: dead gs with a stack, LIFO (top last).</summary>
    internal readonly List<int> GFreeStack = [];
    /// <summary>sched.gFree.noStack: dead gs without a stack, LIFO (top last).</summary>
    internal readonly List<int> GFreeNoStack = [];
    /// <summary>sched.pidle: idle Ps (indices), LIFO (top last).</summary>
    internal readonly List<int> Pidle = [];
    /// <summary>sched.midle: idle Ms (ids), LIFO (top last).</summary>
    internal readonly List<int> Midle = [];
    /// <summary>sched.nmspinning.</summary>
    public int NmSpinning { get; internal set; }
    /// <summary>runtime.mainStarted: set when the main goroutine first runs; newproc calls wakep only after.</summary>
    public bool MainStarted { get; internal set; }
    /// <summary>Each semaphore's count (index = <c>Workload.Semaphores()</c> order).</summary>
    internal readonly int[] SemaCount;
    /// <summary>Each semaphore's waiters, FIFO (head first).</summary>
    internal readonly List<int>[] SemaWaiters;
    /// <summary>The virtual clock (µs): Go's faketime, moved only by checkdead's timejump (Stepper.Timers.cs).</summary>
    public long Now { get; internal set; }
    /// <summary>netpollInited: set by the first doaddtimer (netpollGenericInit) or the first poll descriptor.</summary>
    public bool NetpollInited { get; internal set; }
    /// <summary>The pollDescs whose rg holds a parked g (Stepper.Netpoll.cs), in creation order: one per io op
    /// execution, removed when netpoll readies its g (the op then closes its fd).</summary>
    internal readonly List<PollDesc> PollDescs = [];
    /// <summary>The last pollDesc id handed out (ids count from 1 in creation order).</summary>
    public int PdSeq { get; internal set; }
    /// <summary>netpollWaiters (netpoll.go): +1 in netpollblockcommit, −1 when netpoll readies the g. Differs from Go
    /// 1.19, which takes a g off only in netpollgoready (deadlines, close), never in netpoll: a run here ends when its
    /// last g ends, and a count that never fell would keep an M in the runtime's netpoll(-1) for ever; Go 1.22's
    /// netpollAdjustWaiters takes them off too.</summary>
    public int NetpollWaiters { get; internal set; }
    /// <summary>The pollDescs holding a parked g.</summary>
    public IReadOnlyList<PollDesc> PollDescList => PollDescs;
    /// <summary>How the run ended, if it has.</summary>
    public Outcome Outcome { get; internal set; }
    /// <summary>The fatal error, when <see cref="Outcome"/> is Fatal.</summary>
    public Throw Fatal { get; internal set; }
    /// <summary>The goid of the g whose panic ended the run (<see cref="ThrowExtensions.IsPanic"/>), else 0.</summary>
    public long PanicGoid { get; internal set; }
    /// <summary>Every channel (hchan), by declaration index.</summary>
    internal readonly Hchan[] Chans;

    /// <summary>What Go prints for <see cref="Fatal"/>: "fatal error: MSG", or for a panic
    /// <c>ChanContract.PanicText</c> with <see cref="PanicGoid"/>; "" when the run did not fail.</summary>
    public string FatalText => Fatal.FullText(PanicGoid);

    /// <summary>The channels, by declaration index.</summary>
    public IReadOnlyList<Hchan> Channels => Chans;

    /// <summary>The channels a waiting g waits on, by index: a plain send or receive's channel (nil or not), a
    /// select's non-nil case channels in case order, each once; none for <c>select {}</c>, a semaphore or a g that does
    /// not wait on a channel.</summary>
    public IReadOnlyList<int> WaitChannels(G g)
    {
        if (g.Status != GStatus.Waiting || g.ChanWait == WaitReason.None || g.After < 0) return [];
        var code = Code.Bodies[g.Body];
        var sel = code.Select[g.After];
        if (sel < 0) return code.Chan[g.After] is var c and >= 0 ? [c] : [];
        var info = Code.Selects[sel];
        if (info.Kind == SelectKind.Plain) return [info.CaseChans[0]];
        var list = new List<int>();
        foreach (var i in info.PollCases)
            if (!list.Contains(info.CaseChans[i])) list.Add(info.CaseChans[i]);
        return list;
    }

    /// <summary>How an outcome describes a g blocked on channels (<c>ChanContract.BlockedOn</c>: "chan receive c",
    /// "select c, d", "select (no cases)"), or null when it does not wait on a channel op.</summary>
    public string? BlockedOn(G g)
    {
        if (g.Status != GStatus.Waiting || g.ChanWait == WaitReason.None) return null;
        var names = Code.Workload.Channels;
        return ChanContract.BlockedOn(g.ChanWait, WaitChannels(g).Select(i => names[i].Name));
    }

    /// <summary>sched.npidle.</summary>
    public int NPidle => Pidle.Count;
    public IReadOnlyList<int> GlobalRunQ => RunQ;
    public IReadOnlyList<int> IdlePs => Pidle;
    public IReadOnlyList<int> IdleMs => Midle;
    public IReadOnlyList<int> GFreeStackSlots => GFreeStack;
    public IReadOnlyList<int> GFreeNoStackSlots => GFreeNoStack;
    public int SemaphoreCount(int sema) => SemaCount[sema];
    public IReadOnlyList<int> SemaphoreWaiters(int sema) => SemaWaiters[sema];
    public int Semaphores => SemaCount.Length;

    /// <summary>The g with this goid that is not dead, or null.</summary>
    public G? FindLive(long goid) => AllGs.FirstOrDefault(g => g.Goid == goid && g.Status != GStatus.Dead);

    /// <summary>A deep copy.</summary>
    public SchedState Clone()
    {
        var c = new SchedState(Ps.Count, Code);
        c.CopyFrom(this);
        return c;
    }

    internal void CopyFrom(SchedState o)
    {
        while (AllGs.Count > o.AllGs.Count) AllGs.RemoveAt(AllGs.Count - 1);
        for (var i = 0; i < o.AllGs.Count; i++)
        {
            if (i == AllGs.Count) AllGs.Add(new G(i, RepeatDepth));
            AllGs[i].CopyFrom(o.AllGs[i]);
        }
        while (Ms.Count > o.Ms.Count) Ms.RemoveAt(Ms.Count - 1);
        for (var i = 0; i < o.Ms.Count; i++)
        {
            if (i == Ms.Count) Ms.Add(new M(i));
            Ms[i].CopyFrom(o.Ms[i]);
        }
        for (var i = 0; i < Ps.Count; i++) Ps[i].CopyFrom(o.Ps[i]);
        GoidGen = o.GoidGen; RunQSize = o.RunQSize; NmSpinning = o.NmSpinning; MainStarted = o.MainStarted;
        Outcome = o.Outcome; Fatal = o.Fatal; PanicGoid = o.PanicGoid;
        for (var i = 0; i < Chans.Length; i++) Chans[i].CopyFrom(o.Chans[i]);
        Now = o.Now; NetpollInited = o.NetpollInited;
        PollDescs.Clear(); PollDescs.AddRange(o.PollDescs); PdSeq = o.PdSeq; NetpollWaiters = o.NetpollWaiters;
        Copy(RunQ, o.RunQ); Copy(GFreeStack, o.GFreeStack); Copy(GFreeNoStack, o.GFreeNoStack);
        Copy(Pidle, o.Pidle); Copy(Midle, o.Midle);
        Array.Copy(o.SemaCount, SemaCount, SemaCount.Length);
        for (var i = 0; i < SemaWaiters.Length; i++) Copy(SemaWaiters[i], o.SemaWaiters[i]);

        static void Copy(List<int> to, List<int> from) { to.Clear(); to.AddRange(from); }
    }

    // ---- canonical compact encoding (fingerprints, the checker's queue) ----

    /// <summary>An upper bound of the encoding's length: at most 10 bytes per number written.</summary>
    private int EncodingBound()
    {
        var n = 16 + RunQ.Count + GFreeStack.Count + GFreeNoStack.Count + Pidle.Count + Midle.Count;
        for (var i = 0; i < SemaCount.Length; i++) n += 2 + SemaWaiters[i].Count;
        foreach (var p in Ps) n += 12 + (int)Math.Min(p.Length, P.RunQSize) + p.GFree.Count;
        n += 1 + Ms.Count * 5;
        n += 1 + AllGs.Count * (18 + RepeatDepth);
        if (UsesChannels)
        {
            n += 1 + AllGs.Count * 4;
            foreach (var c in Chans) n += 8 + c.Capacity + 3 * (c.RecvQ.Count + c.SendQ.Count) + c.Ledger.Count;
        }
        n += 2 + AllGs.Count * 2;
        foreach (var p in Ps) n += 1 + 2 * p.Timers.Count;
        n += 3 + 3 * PollDescs.Count + AllGs.Count;
        return n * 10;
    }

    /// <summary>
    /// Writes the canonical encoding at the start of <paramref name="buffer"/> (grown if too small) and returns its
    /// length; two states with equal encodings behave the same. p.schedtick is written modulo 61: nothing else in the
    /// model reads it (sysmon preemption is not modelled). One pass with the position in a register: this runs for
    /// every successor the checker generates.
    /// </summary>
    internal int Encode(ref byte[] buffer) => Encode(ref buffer, 0);

    /// <summary>Writes the encoding at <paramref name="offset"/>, growing <paramref name="buffer"/> (keeping what it
    /// holds) if needed; returns the length.</summary>
    internal int Encode(ref byte[] buffer, int offset)
    {
        var bound = EncodingBound();
        if (buffer.Length - offset < bound) Array.Resize(ref buffer, Math.Max(offset + bound, buffer.Length * 2));
        var b = buffer.AsSpan(offset);
        var at = 0;
        Put(b, ref at, (ulong)GoidGen); Put(b, ref at, (uint)RunQSize); Put(b, ref at, (uint)NmSpinning);
        b[at++] = (byte)((MainStarted ? 1 : 0) | ((int)Outcome << 1)); b[at++] = (byte)Fatal;
        PutList(b, ref at, RunQ); PutList(b, ref at, GFreeStack); PutList(b, ref at, GFreeNoStack); PutList(b, ref at, Pidle); PutList(b, ref at, Midle);
        for (var i = 0; i < SemaCount.Length; i++) { Put(b, ref at, (uint)SemaCount[i]); PutList(b, ref at, SemaWaiters[i]); }
        foreach (var p in Ps)
        {
            b[at++] = PFlags(p); Put(b, ref at, (uint)p.M); Put(b, ref at, p.Head); Put(b, ref at, p.Length);
            for (var i = p.Head; i != p.Tail; i++) Put(b, ref at, (uint)p.RunQ[i % P.RunQSize]);
            Put(b, ref at, (uint)p.RunNext); Put(b, ref at, p.SchedTick % SchedConstants.GlobalRunQCheckPeriod); Put(b, ref at, (ulong)p.GoidCache); Put(b, ref at, (ulong)p.GoidCacheEnd);
            Put(b, ref at, (uint)p.GFreeN); PutList(b, ref at, p.GFree);
        }
        Put(b, ref at, (uint)Ms.Count);
        foreach (var m in Ms)
        {
            b[at++] = (byte)((int)m.Phase | (m.Spinning ? 0x80 : 0));
            Put(b, ref at, (uint)m.Curg); Put(b, ref at, (uint)m.P); Put(b, ref at, (uint)m.NextP); Put(b, ref at, (uint)m.OldP);
        }
        Put(b, ref at, (uint)AllGs.Count);
        foreach (var g in AllGs)
        {
            Put(b, ref at, (ulong)g.Goid); Put(b, ref at, (uint)g.Status); Put(b, ref at, (uint)(g.Body + 1)); Put(b, ref at, (uint)(g.After + 1));
            foreach (var c in g.Counters) Put(b, ref at, (uint)c);
            Put(b, ref at, (uint)g.M); Put(b, ref at, (uint)g.WaitSema);
            PutOff(b, ref at, g.Sched.Sp); Put(b, ref at, (uint)g.Sched.Pc.Code); Put(b, ref at, (uint)g.Sched.G);
            var gflags = GobufFlags(g.Sched);
            b[at++] = gflags;
            if ((gflags & 2) != 0) Put(b, ref at, (ulong)g.Sched.Ret);
            if ((gflags & 4) != 0) Put(b, ref at, (ulong)g.Sched.Lr);
            PutOff(b, ref at, g.Sched.Bp); PutOff(b, ref at, g.SyscallSp); Put(b, ref at, StackWord(g)); Put(b, ref at, (uint)(g.ResumeCall + 1));
            if (UsesChannels)
            {
                Put(b, ref at, (uint)g.SendSeq); Put(b, ref at, (ulong)g.RecvSlot);
                b[at++] = ChanFlags(g); Put(b, ref at, (uint)(g.WakeCase - G.NoWake));
            }
        }
        if (UsesChannels)
        {
            Put(b, ref at, (ulong)PanicGoid);
            foreach (var c in Chans)
            {
                if (c.IsNil) continue; // a nil channel never changes
                b[at++] = (byte)((c.Closed ? 1 : 0) | (c.FifoBroken ? 2 : 0));
                Put(b, ref at, (uint)c.SendX); Put(b, ref at, (uint)c.RecvX); Put(b, ref at, (uint)c.QCount);
                foreach (var v in c.Buf) Put(b, ref at, (ulong)v);
                Put(b, ref at, (uint)c.RecvQ.Count);
                foreach (var sg in c.RecvQ) { Put(b, ref at, (uint)sg.G); Put(b, ref at, (uint)(sg.Case + 1)); }
                Put(b, ref at, (uint)c.SendQ.Count);
                foreach (var sg in c.SendQ) { Put(b, ref at, (uint)sg.G); Put(b, ref at, (uint)(sg.Case + 1)); Put(b, ref at, (ulong)sg.Value); }
                Put(b, ref at, (uint)c.Ledger.Count);
                foreach (var v in c.Ledger) Put(b, ref at, (ulong)v);
            }
        }
        EncodeTime(b, ref at);
        return at;
    }

    /// <summary>A P's status (below 8) and its fresh time slice in one byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte PFlags(P p) => (byte)((int)p.Status | (p.SliceFresh ? 0x80 : 0));

    /// <summary>A g's stack size (at most 1 GB), gp.preempt and whether stackguard0 is stackPreempt, in one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StackWord(G g) => (uint)g.StackSize << 2 | (g.Preempt ? 2u : 0u) | (g.GuardPreempt ? 1u : 0u);

    /// <summary>A g's channel wait reason, selectDone and wake success in one byte (reasons are below 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte ChanFlags(G g) => (byte)((byte)g.ChanWait | (g.SelectDone ? 0x20 : 0) | (g.WakeSuccess ? 0x40 : 0));

    private static void SetChanFlags(G g, byte x)
    {
        g.ChanWait = (WaitReason)(x & 0x1F);
        g.SelectDone = (x & 0x20) != 0;
        g.WakeSuccess = (x & 0x40) != 0;
    }

    /// <summary>Timers and the clock, after everything else: the clock, each P's heap (deadline and slot per entry, in
    /// heap order), each g's sleeping flag and timer deadline.</summary>
    private void EncodeTime(Span<byte> b, ref int at)
    {
        Put(b, ref at, (ulong)Now);
        b[at++] = (byte)(NetpollInited ? 1 : 0);
        foreach (var p in Ps)
        {
            Put(b, ref at, (uint)p.Timers.Count);
            foreach (var t in CollectionsMarshal.AsSpan(p.Timers)) { Put(b, ref at, (ulong)t.When); Put(b, ref at, (uint)t.G); }
        }
        foreach (var g in AllGs) { b[at++] = (byte)(g.Sleeping ? 1 : 0); Put(b, ref at, (ulong)g.TimerWhen); }
        Put(b, ref at, (uint)PdSeq);
        Put(b, ref at, (uint)NetpollWaiters);
        Put(b, ref at, (uint)PollDescs.Count);
        foreach (var pd in CollectionsMarshal.AsSpan(PollDescs)) { Put(b, ref at, (uint)pd.Id); Put(b, ref at, (ulong)pd.When); Put(b, ref at, (uint)pd.G); }
        foreach (var g in AllGs) Put(b, ref at, (uint)g.NetPd);
    }

    private void DecodeTime(ReadOnlySpan<byte> b, ref int at)
    {
        Now = (long)Get(b, ref at);
        NetpollInited = b[at++] != 0;
        foreach (var p in Ps)
        {
            p.Timers.Clear();
            var n = (int)Get(b, ref at);
            for (var i = 0; i < n; i++) { var when = (long)Get(b, ref at); p.Timers.Add(new TimerEntry(when, (int)Get(b, ref at))); }
        }
        foreach (var g in AllGs) { g.Sleeping = b[at++] != 0; g.TimerWhen = (long)Get(b, ref at); }
        PdSeq = (int)Get(b, ref at);
        NetpollWaiters = (int)Get(b, ref at);
        PollDescs.Clear();
        for (var i = (int)Get(b, ref at); i > 0; i--)
        {
            var id = (int)Get(b, ref at);
            var when = (long)Get(b, ref at);
            PollDescs.Add(new PollDesc(id, when, (int)Get(b, ref at)));
        }
        foreach (var g in AllGs) g.NetPd = (int)Get(b, ref at);
    }

    /// <summary>An sp or bp offset below stack.hi for the encoding: frame offsets are multiples of 8, so those are
    /// written divided by 8 (even codes: one byte up to 504 bytes deep), anything else as an odd code. Lossless.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Off(int v) => (v & 7) == 0 ? (uint)v >> 2 : ((uint)v << 1) | 1;

    /// <summary>An sp or bp offset as one byte, offset / 8, when it is a multiple of 8 below 2040 (every frame offset
    /// of a workload whose frames are not deeper than that); else 0xFF and the value as a number. Lossless.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutOff(Span<byte> b, ref int at, int v)
    {
        if ((v & 7) == 0 && (uint)v < 0xFF * 8) { b[at++] = (byte)(v >> 3); return; }
        b[at++] = 0xFF;
        Put(b, ref at, (uint)v);
    }

    /// <summary>Inverse of <see cref="PutOff"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GetOff(ReadOnlySpan<byte> b, ref int at)
    {
        var x = b[at++];
        return x != 0xFF ? x << 3 : (int)Get(b, ref at);
    }

    /// <summary>ctxt, and whether ret and lr (always 0 on the modelled paths) follow: one byte, so they cost nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte GobufFlags(in Gobuf sched) =>
        (byte)((sched.Ctxt ? 1 : 0) | (sched.Ret != 0 ? 2 : 0) | (sched.Lr != 0 ? 4 : 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(Span<byte> b, ref int at, ulong v)
    {
        while (v >= 0x80) { b[at++] = (byte)(v | 0x80); v >>= 7; }
        b[at++] = (byte)v;
    }

    private static void PutList(Span<byte> b, ref int at, List<int> list)
    {
        Put(b, ref at, (uint)list.Count);
        foreach (var x in CollectionsMarshal.AsSpan(list)) Put(b, ref at, (uint)x);
    }

    /// <summary>
    /// The symmetry-reduced encoding: gs sorted by their contents (goid, slot and the g back-pointer left out), every
    /// reference to a g renamed by that order, goids omitted. Equal for states that differ only by a renaming of gs.
    /// Ties keep slot order, which is sound (never merges states that are not equivalent) if not always minimal.
    /// </summary>
    internal void EncodeCanonical(ref ByteWriter w)
    {
        var n = AllGs.Count;
        Span<int> order = n <= 256 ? stackalloc int[n] : new int[n];
        Span<int> rename = n <= 256 ? stackalloc int[n] : new int[n];
        for (var i = 0; i < n; i++) order[i] = i;
        for (var i = 1; i < n; i++)
        {
            var x = order[i];
            var j = i - 1;
            while (j >= 0 && Compare(AllGs[order[j]], AllGs[x]) > 0) { order[j + 1] = order[j]; j--; }
            order[j + 1] = x;
        }
        for (var i = 0; i < n; i++) rename[order[i]] = i;

        w.Var((ulong)GoidGen); w.Var((uint)RunQSize); w.Var((uint)NmSpinning);
        w.Byte((byte)((MainStarted ? 1 : 0) | ((int)Outcome << 1))); w.Byte((byte)Fatal);
        Slots(ref w, RunQ, rename); Slots(ref w, GFreeStack, rename); Slots(ref w, GFreeNoStack, rename);
        w.List(Pidle); w.List(Midle);
        for (var i = 0; i < SemaCount.Length; i++) { w.Var((uint)SemaCount[i]); Slots(ref w, SemaWaiters[i], rename); }
        foreach (var p in Ps)
        {
            w.Byte(PFlags(p)); w.Var((uint)p.M); w.Var(p.Head); w.Var(p.Length);
            for (var i = p.Head; i != p.Tail; i++) w.Var((uint)(rename[p.RunQ[i % P.RunQSize] - 1] + 1));
            w.Var(p.RunNext == 0 ? 0u : (uint)(rename[p.RunNext - 1] + 1));
            w.Var(p.SchedTick % SchedConstants.GlobalRunQCheckPeriod); w.Var((ulong)p.GoidCache); w.Var((ulong)p.GoidCacheEnd);
            w.Var((uint)p.GFreeN); Slots(ref w, p.GFree, rename);
        }
        w.Var((uint)Ms.Count);
        foreach (var m in Ms)
        {
            w.Byte((byte)((int)m.Phase | (m.Spinning ? 0x80 : 0)));
            w.Var(m.Curg == 0 ? 0u : (uint)(rename[m.Curg - 1] + 1)); w.Var((uint)m.P); w.Var((uint)m.NextP); w.Var((uint)m.OldP);
        }
        w.Var((uint)n);
        foreach (var slot in order)
        {
            var g = AllGs[slot];
            w.Var((uint)g.Status); w.Var((uint)(g.Body + 1)); w.Var((uint)(g.After + 1));
            foreach (var c in g.Counters) w.Var((uint)c);
            w.Var((uint)g.M); w.Var((uint)g.WaitSema);
            w.Var(Off(g.Sched.Sp)); w.Var((uint)g.Sched.Pc.Code);
            w.Byte(GobufFlags(g.Sched)); w.Var((ulong)g.Sched.Ret); w.Var((ulong)g.Sched.Lr);
            w.Var(Off(g.Sched.Bp)); w.Var(Off(g.SyscallSp)); w.Var(StackWord(g)); w.Var((uint)(g.ResumeCall + 1));
            if (UsesChannels)
            {
                w.Var((uint)g.SendSeq); CanonValue(ref w, g.RecvSlot, rename);
                w.Byte(ChanFlags(g)); w.Var((uint)(g.WakeCase - G.NoWake));
            }
            w.Byte((byte)(g.Sleeping ? 1 : 0)); w.Var((ulong)g.TimerWhen); w.Var((uint)g.NetPd);
        }
        w.Var((ulong)Now);
        w.Byte((byte)(NetpollInited ? 1 : 0));
        foreach (var p in Ps)
        {
            w.Var((uint)p.Timers.Count);
            foreach (var t in p.Timers) { w.Var((ulong)t.When); w.Var((uint)rename[t.G]); }
        }
        w.Var((uint)PdSeq); w.Var((uint)NetpollWaiters); w.Var((uint)PollDescs.Count);
        foreach (var pd in PollDescs) { w.Var((uint)pd.Id); w.Var((ulong)pd.When); w.Var((uint)rename[pd.G]); }
        if (UsesChannels)
        {
            // The panicking g is named by its place in the order (its goid is an identity).
            w.Var(PanicGoid == 0 ? 0u : (uint)(1 + CanonGoid(PanicGoid, rename)));
            foreach (var c in Chans)
            {
                if (c.IsNil) continue;
                w.Byte((byte)((c.Closed ? 1 : 0) | (c.FifoBroken ? 2 : 0)));
                w.Var((uint)c.SendX); w.Var((uint)c.RecvX); w.Var((uint)c.QCount);
                foreach (var v in c.Buf) CanonValue(ref w, v, rename);
                w.Var((uint)c.RecvQ.Count);
                foreach (var sg in c.RecvQ) { w.Var((uint)rename[sg.G]); w.Var((uint)(sg.Case + 1)); }
                w.Var((uint)c.SendQ.Count);
                foreach (var sg in c.SendQ) { w.Var((uint)rename[sg.G]); w.Var((uint)(sg.Case + 1)); CanonValue(ref w, sg.Value, rename); }
                w.Var((uint)c.Ledger.Count);
                foreach (var v in c.Ledger) CanonValue(ref w, v, rename);
            }
        }

        // A value names its sender's goid: written as the sender's place in the order when it is a live g, else as the
        // raw goid (a g that has died since; sound, if not minimal), then the sequence number.
        void CanonValue(ref ByteWriter w, long v, Span<int> rename)
        {
            if (v == 0) { w.Var(0); return; }
            var slot = CanonGoid(ChanValues.Goid(v), rename);
            w.Var(slot >= 0 ? 1 + 2 * (ulong)slot : 2 + 2 * (ulong)ChanValues.Goid(v));
            w.Var((ulong)ChanValues.Seq(v));
        }

        int CanonGoid(long goid, Span<int> rename)
        {
            foreach (var g in AllGs)
                if (g.Goid == goid && g.Status != GStatus.Dead) return rename[g.Slot];
            return -1;
        }

        static void Slots(ref ByteWriter w, List<int> slots, Span<int> rename)
        {
            w.Var((uint)slots.Count);
            foreach (var s in slots) w.Var((uint)rename[s]);
        }
    }

    /// <summary>Orders gs by everything but their identity (goid, slot).</summary>
    private static int Compare(G a, G b)
    {
        var c = a.Status.CompareTo(b.Status);
        if (c == 0) c = a.Body.CompareTo(b.Body);
        if (c == 0) c = a.After.CompareTo(b.After);
        for (var i = 0; c == 0 && i < a.Counters.Length; i++) c = a.Counters[i].CompareTo(b.Counters[i]);
        if (c == 0) c = a.M.CompareTo(b.M);
        if (c == 0) c = a.WaitSema.CompareTo(b.WaitSema);
        if (c == 0) c = a.Sched.Sp.CompareTo(b.Sched.Sp);
        if (c == 0) c = a.Sched.Pc.Code.CompareTo(b.Sched.Pc.Code);
        if (c == 0) c = a.Sched.Ctxt.CompareTo(b.Sched.Ctxt);
        if (c == 0) c = a.Sched.Ret.CompareTo(b.Sched.Ret);
        if (c == 0) c = a.Sched.Lr.CompareTo(b.Sched.Lr);
        if (c == 0) c = a.Sched.Bp.CompareTo(b.Sched.Bp);
        if (c == 0) c = a.SyscallSp.CompareTo(b.SyscallSp);
        if (c == 0) c = a.StackSize.CompareTo(b.StackSize);
        if (c == 0) c = a.Preempt.CompareTo(b.Preempt);
        if (c == 0) c = a.GuardPreempt.CompareTo(b.GuardPreempt);
        if (c == 0) c = a.ResumeCall.CompareTo(b.ResumeCall);
        if (c == 0) c = a.SendSeq.CompareTo(b.SendSeq);
        if (c == 0) c = ChanValues.Seq(a.RecvSlot).CompareTo(ChanValues.Seq(b.RecvSlot));
        if (c == 0) c = ChanFlags(a).CompareTo(ChanFlags(b));
        if (c == 0) c = a.WakeCase.CompareTo(b.WakeCase);
        if (c == 0) c = a.Sleeping.CompareTo(b.Sleeping);
        if (c == 0) c = a.TimerWhen.CompareTo(b.TimerWhen);
        if (c == 0) c = a.NetPd.CompareTo(b.NetPd);
        return c;
    }

    /// <summary>Reads what <see cref="Encode(ref byte[])"/> wrote, reusing this state's objects.</summary>
    internal void Decode(ReadOnlySpan<byte> b)
    {
        var at = 0;
        GoidGen = (long)Get(b, ref at); RunQSize = (int)Get(b, ref at); NmSpinning = (int)Get(b, ref at);
        var flags = b[at++]; MainStarted = (flags & 1) != 0; Outcome = (Outcome)(flags >> 1); Fatal = (Throw)b[at++];
        GetList(b, ref at, RunQ); GetList(b, ref at, GFreeStack); GetList(b, ref at, GFreeNoStack); GetList(b, ref at, Pidle); GetList(b, ref at, Midle);
        for (var i = 0; i < SemaCount.Length; i++) { SemaCount[i] = (int)Get(b, ref at); GetList(b, ref at, SemaWaiters[i]); }
        foreach (var p in Ps)
        {
            var pflags = b[at++]; p.Status = (PStatus)(pflags & 0x7F); p.SliceFresh = (pflags & 0x80) != 0; p.M = (int)Get(b, ref at); p.Head = (uint)Get(b, ref at); var n = (uint)Get(b, ref at);
            p.Tail = unchecked(p.Head + n);
            for (var i = p.Head; i != p.Tail; i++) p.RunQ[i % P.RunQSize] = (int)Get(b, ref at);
            p.RunNext = (int)Get(b, ref at); p.SchedTick = (uint)Get(b, ref at); p.GoidCache = (long)Get(b, ref at); p.GoidCacheEnd = (long)Get(b, ref at);
            p.GFreeN = (int)Get(b, ref at); GetList(b, ref at, p.GFree);
        }
        var ms = (int)Get(b, ref at);
        while (Ms.Count > ms) Ms.RemoveAt(Ms.Count - 1);
        for (var i = 0; i < ms; i++)
        {
            if (i == Ms.Count) Ms.Add(new M(i));
            var m = Ms[i];
            var x = b[at++]; m.Phase = (MPhase)(x & 0x7f); m.Spinning = (x & 0x80) != 0;
            m.Curg = (int)Get(b, ref at); m.P = (int)Get(b, ref at); m.NextP = (int)Get(b, ref at); m.OldP = (int)Get(b, ref at);
        }
        var gs = (int)Get(b, ref at);
        while (AllGs.Count > gs) AllGs.RemoveAt(AllGs.Count - 1);
        for (var i = 0; i < gs; i++)
        {
            if (i == AllGs.Count) AllGs.Add(new G(i, RepeatDepth));
            var g = AllGs[i];
            g.Goid = (long)Get(b, ref at); g.Status = (GStatus)Get(b, ref at); g.Body = (int)Get(b, ref at) - 1; g.After = (int)Get(b, ref at) - 1;
            for (var c = 0; c < g.Counters.Length; c++) g.Counters[c] = (int)Get(b, ref at);
            g.M = (int)Get(b, ref at); g.WaitSema = (int)Get(b, ref at);
            g.Sched.Sp = GetOff(b, ref at); g.Sched.Pc = AbstractPc.FromCode((int)Get(b, ref at)); g.Sched.G = (int)Get(b, ref at);
            var gflags = b[at++];
            g.Sched.Ctxt = (gflags & 1) != 0;
            g.Sched.Ret = (gflags & 2) != 0 ? (long)Get(b, ref at) : 0;
            g.Sched.Lr = (gflags & 4) != 0 ? (long)Get(b, ref at) : 0;
            g.Sched.Bp = GetOff(b, ref at); g.SyscallSp = GetOff(b, ref at);
            var stack = (uint)Get(b, ref at); g.StackSize = (int)(stack >> 2); g.Preempt = (stack & 2) != 0; g.GuardPreempt = (stack & 1) != 0;
            g.ResumeCall = (int)Get(b, ref at) - 1;
            if (UsesChannels)
            {
                g.SendSeq = (int)Get(b, ref at); g.RecvSlot = (long)Get(b, ref at);
                SetChanFlags(g, b[at++]); g.WakeCase = (int)Get(b, ref at) + G.NoWake;
            }
        }
        if (UsesChannels)
        {
            PanicGoid = (long)Get(b, ref at);
            foreach (var c in Chans)
            {
                if (c.IsNil) continue;
                var x = b[at++];
                c.Closed = (x & 1) != 0; c.FifoBroken = (x & 2) != 0;
                c.SendX = (int)Get(b, ref at); c.RecvX = (int)Get(b, ref at); c.QCount = (int)Get(b, ref at);
                for (var i = 0; i < c.Buf.Length; i++) c.Buf[i] = (long)Get(b, ref at);
                c.RecvQ.Clear();
                for (var i = (int)Get(b, ref at); i > 0; i--) c.RecvQ.Add(new Sudog((int)Get(b, ref at), (int)Get(b, ref at) - 1));
                c.SendQ.Clear();
                for (var i = (int)Get(b, ref at); i > 0; i--) c.SendQ.Add(new Sudog((int)Get(b, ref at), (int)Get(b, ref at) - 1, (long)Get(b, ref at)));
                c.Ledger.Clear();
                for (var i = (int)Get(b, ref at); i > 0; i--) c.Ledger.Add((long)Get(b, ref at));
            }
        }
        DecodeTime(b, ref at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Get(ReadOnlySpan<byte> b, ref int at)
    {
        ulong x = b[at++];
        if (x < 0x80) return x;
        var v = x & 0x7f;
        var shift = 7;
        while (true)
        {
            x = b[at++];
            v |= (x & 0x7f) << shift;
            if (x < 0x80) return v;
            shift += 7;
        }
    }

    private static void GetList(ReadOnlySpan<byte> b, ref int at, List<int> list)
    {
        list.Clear();
        var n = (int)Get(b, ref at);
        for (var i = 0; i < n; i++) list.Add((int)Get(b, ref at));
    }

    /// <summary>The canonical encoding as a new array.</summary>
    public byte[] ToBytes()
    {
        var buffer = new byte[256];
        var len = Encode(ref buffer);
        return buffer.AsSpan(0, len).ToArray();
    }

    /// <summary>Equal canonical encodings.</summary>
    public bool SameAs(SchedState other) => ToBytes().AsSpan().SequenceEqual(other.ToBytes());

    /// <summary>One line per part, for reports and for <see cref="Diff"/>.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>
        {
            $"sched: goidgen={GoidGen} runq=[{string.Join(",", RunQ)}] runqsize={RunQSize} nmspinning={NmSpinning} " +
            $"pidle=[{string.Join(",", Pidle)}] midle=[{string.Join(",", Midle)}] mainStarted={MainStarted}" +
            (Outcome != Outcome.Running ? $" outcome={Outcome}" : "") + (Fatal != Throw.None ? $" fatal=\"{Fatal.Message()}\"" : "") + (PanicGoid != 0 ? $" panic in g{PanicGoid}" : "") +
            (Now != 0 ? $" now={Now}" : "") + (PdSeq != 0 ? $" netpollWaiters={NetpollWaiters} pds=[{string.Join(",", PollDescs.Select(d => $"{d.Id}:{d.When}:{d.G}"))}] pdseq={PdSeq}" : ""),
            $"gFree: stack=[{string.Join(",", GFreeStack)}] noStack=[{string.Join(",", GFreeNoStack)}]",
        };
        for (var i = 0; i < SemaCount.Length; i++)
            lines.Add($"sema{i}: count={SemaCount[i]} waiters=[{string.Join(",", SemaWaiters[i])}]");
        var names = Code.Workload.Channels;
        foreach (var c in Chans) lines.Add($"{c} ({names[c.Index].Name})");
        foreach (var p in Ps) lines.Add(p.ToString());
        foreach (var m in Ms) lines.Add(m.ToString());
        foreach (var g in AllGs) lines.Add(g.ToString());
        return lines;
    }

    /// <summary>The lines of <paramref name="after"/> that differ from <paramref name="before"/>, each as "- old" / "+ new".</summary>
    public static IReadOnlyList<string> Diff(SchedState before, SchedState after)
    {
        var a = before.Lines();
        var b = after.Lines();
        var diff = new List<string>();
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            var x = i < a.Count ? a[i] : null;
            var y = i < b.Count ? b[i] : null;
            if (x == y) continue;
            if (x is not null) diff.Add("- " + x);
            if (y is not null) diff.Add("+ " + y);
        }
        return diff;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var line in Lines()) sb.AppendLine(line);
        return sb.ToString();
    }
}
