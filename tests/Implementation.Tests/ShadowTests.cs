using Implementation.Trace;
using Model.Workload;
using Native;
using Native.Compiler;
using Native.Layout;

namespace Implementation.Tests;

/// <summary>The run's stub set and Sched.TryReadShadow, the accessor a state snapshot calls at a switch-back point.</summary>
public unsafe class ShadowTests
{
    private const string Workload = """
        main {
          go w
          yield
          acquire done
        }
        w { yield; release done }
        """;

    private static RuntimeOptions Controlled(StubOptions stubs) => new()
    {
        Procs = 1, Trace = true, Controlled = true, Seed = 5, Stubs = stubs, Timeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>Runs like GoRuntime.Run, but looks at the Ms before the Sched is disposed.</summary>
    private static (RunResult Result, List<(bool Ok, Gobuf Shadow)> Shadows, StubSet Stubs) RunAndReadShadows(RuntimeOptions options)
    {
        var compiled = WorkloadCompiler.Compile(WorkloadParser.Parse(Workload), Sched.Services, StubSet.Get(options.EffectiveStubs));
        var sched = new Sched(compiled, options);
        var result = sched.Run();
        var shadows = sched.AllMs().Select(m => (sched.TryReadShadow(m, out var s), s)).ToList();
        var stubs = sched.Stubs;
        if (sched.JoinedCleanly)
        {
            sched.Dispose();
            compiled.Dispose();
        }
        return (result, shadows, stubs);
    }

    [Fact]
    public void A_run_compiles_against_and_runs_on_the_stub_set_its_options_ask_for()
    {
        var (plain, _, plainStubs) = RunAndReadShadows(Controlled(StubOptions.None));
        var (shadowed, _, shadowStubs) = RunAndReadShadows(Controlled(StubOptions.ShadowSched));
        Assert.Same(StubSet.Shared, plainStubs);
        Assert.Same(StubSet.Get(StubOptions.ShadowSched), shadowStubs);
        Assert.True(shadowed.Outcome == RunOutcome.Completed, shadowed.Message);
        Assert.Equal(shadowStubs.GoexitPc, shadowed.Symbols!.GoexitPc);
        Assert.Equal(plainStubs.GoexitPc, plain.Symbols!.GoexitPc);
        // The shadow copy changes nothing the trace shows (same events, same order, same gobuf pcs as program points).
        static List<(EventKind, long, object?)> Sig(RunResult r) => r.Trace!.Select(e => (e.Kind, e.G,
            e.Kind is EventKind.GobufSave or EventKind.GobufLoad ? (object?)r.Symbols!.PointAt((nint)(e.Kind == EventKind.GobufSave ? e.B : e.A)) : e.A)).ToList();
        Assert.Equal(Sig(plain), Sig(shadowed));
    }

    [Fact]
    public void A_compiled_workload_must_match_the_stub_set_of_the_options()
    {
        using var compiled = WorkloadCompiler.Compile(WorkloadParser.Parse(Workload), Sched.Services);
        var e = Assert.Throws<ArgumentException>(() => new Sched(compiled, Controlled(StubOptions.ShadowSched)));
        Assert.Contains("StubSet.Get(options.EffectiveStubs)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadShadow_gives_the_sched_the_last_g_ran_with_and_nothing_without_the_option()
    {
        var (result, shadows, _) = RunAndReadShadows(Controlled(StubOptions.ShadowSched));
        Assert.True(result.Outcome == RunOutcome.Completed, result.Message);
        Assert.Contains(shadows, s => s.Ok);
        foreach (var (ok, s) in shadows.Where(s => s.Ok))
        {
            // The last switch of the M: some g's goexit mcall, after a gogo (B2) and maybe a systemstack.
            Assert.True(ok);
            Assert.Equal((0, 0, 0, 0, 0), (s.Sp, s.Ctxt, s.Ret, s.Lr, s.Bp));
            Assert.NotEqual(0, s.G);
            Assert.NotEqual(0, s.Pc);
        }

        var (_, none, _) = RunAndReadShadows(Controlled(StubOptions.None));
        Assert.All(none, s => Assert.False(s.Ok));
        Assert.All(none, s => Assert.Equal(default, s.Shadow));
    }

    [Fact]
    public void A_mutant_run_and_a_snapshot_run_always_carry_ShadowSched_and_a_stub_mutant_its_option()
    {
        Assert.Equal(StubOptions.None, new RuntimeOptions().EffectiveStubs);
        Assert.Equal(StubOptions.ShadowSched, new RuntimeOptions { Stubs = StubOptions.ShadowSched }.EffectiveStubs);
        Assert.Equal(StubOptions.ShadowSched, new RuntimeOptions { Snapshots = true, Trace = true, Controlled = true }.EffectiveStubs);
        Assert.Equal(StubOptions.None, new RuntimeOptions { Snapshots = true, Trace = true }.EffectiveStubs);
        if (!RuntimeOptions.DiagnosticBuild)
        {
            Assert.Throws<InvalidOperationException>(() => new RuntimeOptions { Stubs = StubOptions.GogoKeepsBp });
            return;
        }

        Assert.Equal(StubOptions.ShadowSched, new RuntimeOptions { Mutant = Mutant.GoschedLocal }.EffectiveStubs);
        Assert.Equal(StubOptions.ShadowSched | StubOptions.GogoKeepsBp, new RuntimeOptions { Mutant = Mutant.GogoKeepsBp }.EffectiveStubs);
        Assert.Equal(StubOptions.ShadowSched | StubOptions.SystemstackKeepsSp, new RuntimeOptions { Mutant = Mutant.SystemstackKeepsSp }.EffectiveStubs);
        foreach (var m in Enum.GetValues<Mutant>().Where(m => m.ToString().StartsWith("Gogo", StringComparison.Ordinal)))
            Assert.Equal(Enum.Parse<StubOptions>(m.ToString()), RuntimeOptions.StubOptionOf(m));
    }
}
