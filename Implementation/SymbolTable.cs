using Model.Workload;
using Native;
using Native.Compiler;

namespace Implementation;

/// <summary>
/// What Conformance needs to abstract raw gobuf values: resume pc → program point, body entry pcs, and the stubs'
/// own addresses a saved pc may hold (goexit+1 for a new g, systemstack's return while in a service). Valid after the
/// run: it holds copies, not the code.
/// </summary>
public sealed class SymbolTable
{
    private readonly CompiledWorkload _compiled;

    internal SymbolTable(CompiledWorkload compiled, StubSet stubs)
    {
        _compiled = compiled;
        GoexitPc = stubs.GoexitPc;
        SystemstackRet = stubs.SystemstackRet;
        BadMcall = stubs.BadMcall;
    }

    public Workload Workload => _compiled.Workload;
    public ProgramPoints Points => _compiled.Points;
    /// <summary>Resume pc of every yield point → its op.</summary>
    public IReadOnlyDictionary<nint, ProgramPoint> ResumePoints => _compiled.ResumePoints;
    /// <summary>Entry pc of each body, by body index.</summary>
    public IReadOnlyList<nint> BodyEntries => _compiled.BodyEntries;
    /// <summary>goexit+1: the fake return address at the top of every new stack.</summary>
    public nint GoexitPc { get; }
    /// <summary>The pc systemstack records in g.sched while a service runs.</summary>
    public nint SystemstackRet { get; }
    /// <summary>badmcall: the resume pc goexit1's mcall saves (an exited g never resumes); Go's is goexit+1.</summary>
    public nint BadMcall { get; }
    /// <summary>The op whose code holds <paramref name="pc"/>, or null.</summary>
    public ProgramPoint? PointAt(nint pc) => _compiled.PointAt(pc);
    /// <summary>Whether <paramref name="pc"/> is the pc morestack saves (and newstack's gogo resumes at).</summary>
    public bool IsMorestackReturn(nint pc) => _compiled.IsMorestackReturn(pc);
    /// <summary>The body whose entry is <paramref name="pc"/>, or -1.</summary>
    public int BodyAtEntry(nint pc) => _compiled.BodyAtEntry(pc);
}
