using Implementation.Trace;
using Native;
using Native.Layout;

namespace Implementation;

/// <summary>
/// The managed half of an M: what C# on the M's g0 needs and native code must not see (rule 4: no managed
/// references in native memory). The native <see cref="Native.Layout.M"/> record points back here through a
/// registry slot kept in m.schedPtr (<see cref="FromSlot"/>). Mirrors the parts of runtime.m (runtime2.go) that are not in the record.
/// </summary>
internal sealed unsafe class MState
{
    public MState(Sched sched, int id, M* m, TraceBuffer? trace, ulong seed)
    {
        Sched = sched;
        Id = id;
        M = m;
        Trace = trace;
        _rand = seed | 1;
        Slot = Register(this);
    }

    // Every live MState by slot number: the native M record keeps the slot (m.schedPtr), and a service callback
    // finds its MState with one array load instead of a GCHandle dereference.
    private static MState?[] s_slots = new MState?[64];
    private static readonly Stack<int> s_freeSlots = new();
    private static int s_nextSlot;
    private static readonly object s_slotLock = new();

    /// <summary>This M's slot in the registry (what m.schedPtr holds).</summary>
    public int Slot { get; }

    private static int Register(MState mp)
    {
        lock (s_slotLock)
        {
            var slot = s_freeSlots.Count > 0 ? s_freeSlots.Pop() : s_nextSlot++;
            if (slot >= s_slots.Length)
            {
                var bigger = new MState?[s_slots.Length * 2];
                s_slots.CopyTo(bigger, 0);
                Volatile.Write(ref s_slots, bigger);
            }
            s_slots[slot] = mp;
            return slot;
        }
    }

    /// <summary>The MState in a slot (the array is only replaced by a copy, so a stale one still holds it).</summary>
    public static MState FromSlot(nint slot) => Volatile.Read(ref s_slots)[slot]!;

    public Sched Sched { get; }
    public int Id { get; }
    /// <summary>The native record (g0, curg, p, mcall reason).</summary>
    public M* M { get; }
    public TraceBuffer? Trace { get; }

    /// <summary>The P this M holds (m.p), or null. Mirrored into the native record.</summary>
    public P* P;
    /// <summary>The P held before entersyscall (m.oldp).</summary>
    public P* OldP;
    /// <summary>The P handed over by startm for this M to acquire when it wakes (m.nextp).</summary>
    public P* NextP;
    /// <summary>m.spinning: looking for work with a P and no g.</summary>
    public bool Spinning;
    /// <summary>The g this M runs (m.curg), or null on g0 between gs.</summary>
    public G* CurG;
    /// <summary>Where this M stands at its latest scheduling point (for snapshots; written by the M itself).</summary>
    public Snapshots.MPosition Position;
    /// <summary>m.waitunlockf: what park_m calls after making the g Waiting (null: nothing to release).</summary>
    public delegate*<Sched, G*, nint, bool> WaitUnlockF;
    /// <summary>m.waitlock: the unlock function's argument (a semaphore index, an hchan, ...).</summary>
    public nint WaitLock;
    /// <summary>m.waittraceev: park_m's block annotation (0 = no gopark pending), and its arguments.</summary>
    public EventKind WaitTraceEv;
    public long WaitTraceA, WaitTraceB;
    /// <summary>time.Sleep's deadline (µs) for park_m's unlock function resetForSleep, 0 when the park is not a sleep.</summary>
    public long SleepWhen;
    /// <summary>An io read's pollDesc for park_m's unlock function netpollblockcommit, null when the park is not one.</summary>
    internal PollDescR? IoPd;
    /// <summary>m.syscalltick: the P's syscalltick when this M entered its system call.</summary>
    public uint SyscallTick;
    /// <summary>The M's idle note (notesleep/notewakeup on m.park).</summary>
    public readonly SemaphoreSlim Park = new(0);
    /// <summary>Link on sched.midle. Protected by sched.lock.</summary>
    public MState? IdleLink;
    /// <summary>Set when the run is over: the M leaves its loop instead of scheduling.</summary>
    public volatile bool Exit;
    public MThread? Thread;
    /// <summary>Counters of this M, summed after the run.</summary>
    public long Switches, Syscalls, Created, Exited;

    public void Dispose()
    {
        lock (s_slotLock)
        {
            s_slots[Slot] = null;
            s_freeSlots.Push(Slot);
        }
        Park.Dispose();
        Native.Records.FreeM(M);
    }

    private ulong _rand;

    /// <summary>cheaprand: a per-M xorshift generator (free-running mode's random steal order).</summary>
    public uint CheapRand()
    {
        var x = _rand;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        _rand = x;
        return (uint)(x >> 32);
    }

    /// <summary>Go's fastrandn (stubs.go): a number in [0, n) from the M's own random source, by multiply and shift.</summary>
    public uint FastRandN(uint n) => (uint)((ulong)CheapRand() * n >> 32);

    /// <summary>The P id for trace events, or -1.</summary>
    public short PId => P == null ? (short)-1 : (short)P->Id;
}
