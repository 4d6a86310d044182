namespace Model;

/// <summary>
/// A processor (runtime2.go's p): the right to run Go code, a local run queue (a ring of 256 with free-running
/// uint32 head and tail, plus runnext), a goid cache and a gFree list. Entries are g slots + 1 (0 = nil).
/// </summary>
public sealed class P
{
    /// <summary>len(p.runq).</summary>
    public const int RunQSize = SchedConstants.RunQSize;

    internal P(int id) => Id = id;

    public int Id { get; }
    public PStatus Status { get; internal set; }
    /// <summary>p.m: the owning M's index + 1, 0 when none (idle, or in a syscall on 1.19).</summary>
    public int M { get; internal set; }
    /// <summary>p.runqhead: only consumers (runqget, runqgrab) advance it.</summary>
    public uint Head { get; internal set; }
    /// <summary>p.runqtail: only the owner writes it.</summary>
    public uint Tail { get; internal set; }
    /// <summary>p.runq: slot idx % 256 holds a g slot + 1.</summary>
    internal readonly int[] RunQ = new int[RunQSize];
    /// <summary>p.runnext: a g slot + 1, or 0.</summary>
    public int RunNext { get; internal set; }
    /// <summary>p.schedtick: incremented by execute when !inheritTime.</summary>
    public uint SchedTick { get; internal set; }
    /// <summary>The P's time slice has just begun (an execute that did not inherit it) and no user code has run in it
    /// yet: sysmon's retake cannot preempt it, since a new schedtick restarts its forcePreemptNS window (Go's
    /// sysmontick.schedtick != schedtick). The model has no clock; this is what keeps "the slice has run 10 ms" from
    /// being chosen before the slice has run at all, which would let a g be preempted at the same prologue forever.
    /// Set by execute without inheritTime, cleared by the M's next Run step.</summary>
    public bool SliceFresh { get; internal set; }
    /// <summary>p.goidcache: the next goid to hand out.</summary>
    public long GoidCache { get; internal set; }
    /// <summary>p.goidcacheend: one past the last goid of the cached block.</summary>
    public long GoidCacheEnd { get; internal set; }
    /// <summary>p.gFree: the dead gs (slots), LIFO; the top is the last element.</summary>
    internal readonly List<int> GFree = [];
    /// <summary>p.gFree.n: Go's separate count (property: equals the list's length).</summary>
    public int GFreeN { get; internal set; }

    /// <summary>p.timers: the P's timer heap, 4-ary, ordered by when (time.go). Each entry is a sleeping g's timer.</summary>
    internal readonly List<TimerEntry> Timers = [];

    /// <summary>p.timer0When: the first timer's when, 0 for none.</summary>
    public long Timer0When => Timers.Count == 0 ? 0 : Timers[0].When;

    /// <summary>The heap's entries in array order (g slots and deadlines).</summary>
    public IReadOnlyList<TimerEntry> TimerHeap => Timers;

    /// <summary>tail − head in wrapping uint32 arithmetic.</summary>
    public uint Length => unchecked(Tail - Head);

    /// <summary>The ring's g slots from head to tail.</summary>
    public IEnumerable<int> RunQSlots()
    {
        for (var i = Head; i != Tail; i++) yield return RunQ[i % RunQSize] - 1;
    }

    /// <summary>The gFree list's slots, top first.</summary>
    public IEnumerable<int> GFreeSlots() => Enumerable.Reverse(GFree);

    /// <summary>runqempty: head == tail and runnext == 0.</summary>
    public bool RunQEmpty => Head == Tail && RunNext == 0;

    internal void CopyFrom(P o)
    {
        Status = o.Status; M = o.M; RunNext = o.RunNext; SchedTick = o.SchedTick; SliceFresh = o.SliceFresh;
        GoidCache = o.GoidCache; GoidCacheEnd = o.GoidCacheEnd; GFreeN = o.GFreeN;
        Head = o.Head; Tail = o.Tail;
        for (var i = o.Head; i != o.Tail; i++) RunQ[i % RunQSize] = o.RunQ[i % RunQSize];
        GFree.Clear(); GFree.AddRange(o.GFree);
        Timers.Clear(); Timers.AddRange(o.Timers);
    }

    public override string ToString() =>
        $"p{Id} {Status} m={M - 1} runq[{Head}..{Tail})=[{string.Join(",", RunQSlots())}] runnext={RunNext - 1} " +
        $"schedtick={SchedTick} goidcache={GoidCache}/{GoidCacheEnd} gFree=[{string.Join(",", GFreeSlots())}]" +
        (Timers.Count > 0 ? $" timers=[{string.Join(",", Timers.Select(t => $"{t.When}:{t.G}"))}]" : "");
}

/// <summary>One timer of a P's heap: a sleeping g (its slot) and its deadline in µs (time.go's timer, reduced to
/// what timeSleep's timers hold: f = goroutineReady, arg = the g, period 0).</summary>
public readonly record struct TimerEntry(long When, int G);
