using Model.Workload;

namespace Native.Compiler;

/// <summary>
/// A workload compiled to x86-64: one native function per body in an executable <see cref="CodeRegion"/>, plus the
/// symbol table Conformance uses to abstract raw gobuf values (resume pc → program point, body entry pcs).
/// </summary>
public sealed class CompiledWorkload : IDisposable
{
    private readonly CodeRegion _code;
    private readonly (nint Pc, ProgramPoint? Point)[] _markers; // sorted by pc
    private readonly Dictionary<nint, ProgramPoint> _resume;
    private readonly Dictionary<nint, nint> _yieldStart;

    internal CompiledWorkload(Workload workload, ProgramPoints points, CodeRegion code, nint[] bodyEntries,
        (nint, ProgramPoint?)[] markers, Dictionary<nint, ProgramPoint> resume, Dictionary<nint, nint> yieldStart, StubSet stubs)
    {
        Stubs = stubs;
        Workload = workload;
        Points = points;
        _code = code;
        CodeStart = code.Base;
        CodeLength = code.Length;
        BodyEntries = bodyEntries;
        _markers = markers;
        Array.Sort(_markers, static (x, y) => x.Pc.CompareTo(y.Pc));
        _resume = resume;
        _yieldStart = yieldStart;
        Semaphores = workload.Semaphores();
        Selects = SelectNumbering.Of(workload);
        // Morestack returns: a marker on a function's morestack call (StackCheck.EmitMorestackCall: the frame word and
        // its marker in front, then call [rip+slot], 6 bytes). The pc morestack saves is that call's return address.
        var bytes = code.Code();
        foreach (var (pc, _) in _markers)
        {
            var at = (int)(pc - CodeStart);
            if (at >= 8 && at + 6 <= bytes.Length && bytes[at] == 0xFF && bytes[at + 1] == 0x15
                && BitConverter.ToUInt32(bytes, at - 8) == StackCheck.FrameMarker)
                _morestackReturns.Add(pc + 6);
        }
    }

    private readonly HashSet<nint> _morestackReturns = [];

    /// <summary>Whether <paramref name="pc"/> is where a function's morestack call returns to: the pc morestack saves
    /// in g.sched, which newstack's gogo resumes (the jump back to the function's prologue). Its op is
    /// <see cref="PointAt"/>'s (the call op; null for a body's own prologue).</summary>
    public bool IsMorestackReturn(nint pc) => _morestackReturns.Contains(pc);

    /// <summary>The workload's selects by number (<see cref="SelectNumbering"/>): the a0 the Select and SelectWoken
    /// services get.</summary>
    public System.Collections.Immutable.ImmutableArray<SelectOp> Selects { get; }

    public Workload Workload { get; }
    public ProgramPoints Points { get; }

    /// <summary>The stub set this code jumps and calls into (mcall, systemstack, morestack): its goroutines must be
    /// prepared with it (<see cref="StubSet.Prepare"/>) and run through its entry.</summary>
    public StubSet Stubs { get; }

    /// <summary>Entry pc of each body, by body index (the pc newproc gives a new g).</summary>
    public nint[] BodyEntries { get; }

    /// <summary>Semaphore names by index (order of first appearance).</summary>
    public IReadOnlyList<string> Semaphores { get; }

    /// <summary>Resume pc of every yield point (yield, a parking acquire, a slow syscall exit, exit) → its op.</summary>
    public IReadOnlyDictionary<nint, ProgramPoint> ResumePoints => _resume;

    /// <summary>Start and length of the emitted code.</summary>
    public nint CodeStart { get; }
    public int CodeLength { get; }

    /// <summary>The op whose code contains <paramref name="pc"/> (innermost), or null outside the workload's code.</summary>
    public ProgramPoint? PointAt(nint pc)
    {
        if (pc < CodeStart || pc >= CodeStart + CodeLength) return null;
        if (_resume.TryGetValue(pc, out var exact)) return exact;
        int lo = 0, hi = _markers.Length - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_markers[mid].Pc <= pc) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? null : _markers[found].Point;
    }

    /// <summary>The body index whose entry is <paramref name="pc"/>, or -1.</summary>
    public int BodyAtEntry(nint pc) => Array.IndexOf(BodyEntries, pc);

    /// <summary>For a yield's resume pc, the address of the yield's first instruction (0 if it is not a yield).</summary>
    public nint YieldStartOf(nint resumePc) => _yieldStart.TryGetValue(resumePc, out var s) ? s : 0;

    /// <summary>The emitted bytes (for decoding in tests).</summary>
    public byte[] Code() => _code.Code();

    public void Dispose() => _code.Dispose();
}
