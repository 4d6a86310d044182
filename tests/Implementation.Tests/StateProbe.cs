using Model.Workload;
using Native;
using Native.Compiler;
using Native.Layout;

namespace Implementation.Tests;

/// <summary>
/// Runs a workload with <c>Sched.McallProbe</c> set (diagnostic builds, ShadowSched runs) and writes down the state at
/// rest at every switch back from an mcall: the g that mcalled, its shadow (the sched it ran with) and its save, then
/// every g's status, g.m and sched. Raw words are abstracted so that two runs compare: sp/bp as "hi-N" inside the g's
/// stack, pcs as stub labels, body entries or program points (a morestack return marked as one), ctxt as the body whose
/// funcval (its entry) it is; ret and lr raw.
/// </summary>
internal static unsafe class StateProbe
{
    /// <summary>What the probe seeds into a g's sched.ret when it yields: nothing in the runtime (nor in Go 1.19) writes
    /// a nonzero ret, so without a seed gogo's clearing of ret could not be observed.</summary>
    public const nint SeededRet = 0x5EED;

    public static (RunResult Result, List<string> States) Run(string text, RuntimeOptions options)
    {
        options = options with { Stubs = options.Stubs | StubOptions.ShadowSched };
        var compiled = WorkloadCompiler.Compile(WorkloadParser.Parse(text), Sched.Services, StubSet.Get(options.EffectiveStubs));
        var sched = new Sched(compiled, options);
        var states = new List<string>();
        var symbols = new Dictionary<nint, string>
        {
            [compiled.Stubs.GoexitPc] = "goexit+1", [compiled.Stubs.SystemstackRet] = "systemstack_ret",
            [compiled.Stubs.BadMcall] = "badmcall",
        };
        for (var b = 0; b < compiled.BodyEntries.Length; b++) symbols[compiled.BodyEntries[b]] = "entry" + b;
        sched.McallProbe = (mp, gp, reason) =>
        {
            var g = (G*)gp;
            lock (states)
            {
                Assert.True(sched.TryReadShadow(mp, out var shadow), "a ShadowSched run has a shadow after every mcall");
                states.Add($"m{mp.Id} g{g->Goid} {reason}: ran with {Abs(shadow, g)}, saved {Abs(g->Sched, g)}");
                foreach (var other in sched.AllGs())
                {
                    var o = (G*)other;
                    states.Add($"  g{o->Goid} {(GStatus)o->AtomicStatus} m={(o->M == null ? "nil" : "set")} {Abs(o->Sched, o)}");
                }
            }
            if (reason == McallReason.Gosched) g->Sched.Ret = SeededRet;
        };
        var result = sched.Run();
        if (sched.JoinedCleanly)
        {
            sched.Dispose();
            compiled.Dispose();
        }
        return (result, states);

        string Abs(Gobuf b, G* g) =>
            $"{{sp={Word(b.Sp, g)} pc={Pc(b.Pc)} g={(b.G == (nint)g ? "self" : b.G == 0 ? "0" : "x")} ctxt={Ctxt(b.Ctxt, g)} ret={b.Ret:x} lr={b.Lr:x} bp={Word(b.Bp, g)}}}";

        // A morestack return (the jmp back into a prologue, where newstack's gogo resumes a grown g) is told apart from
        // other pcs of its call op's code.
        string Pc(nint pc) => pc == 0 ? "0"
            : symbols.TryGetValue(pc, out var name) ? name
            : compiled.PointAt(pc) is { } point ? (compiled.IsMorestackReturn(pc) ? $"{point} (morestack's return)" : point.ToString())
            : "?";

        string Ctxt(nint ctxt, G* g) => ctxt == 0 ? "0"
            : Array.IndexOf(compiled.BodyEntries, ctxt) is var fb and >= 0 ? "fv" + fb
            : Word(ctxt, g);
    }

    private static string Word(nint v, G* g) => v == 0 ? "0" : v > g->StackLo && v <= g->StackHi ? $"hi-{g->StackHi - v}" : "outside";
}
