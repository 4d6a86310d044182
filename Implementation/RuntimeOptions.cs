using Native;

namespace Implementation;

/// <summary>How to run a workload on the native runtime. All members have defaults suitable for a normal run.</summary>
public sealed record RuntimeOptions
{
    /// <summary>GOMAXPROCS: the number of Ps (at least 1).</summary>
    public int Procs { get; init; } = 1;

    /// <summary>Record the trace (off by default; costs a predictable branch when off).</summary>
    public bool Trace { get; init; }

    /// <summary>Record a <see cref="Snapshots.RuntimeSnapshot"/> of the scheduler's real state at every switch-back
    /// point (an mcall returning to the scheduler loop, a systemstack service's entry). Needs <see cref="Trace"/> and
    /// <see cref="Controlled"/>: a snapshot shows the state after exactly the first N trace events, which only a
    /// controlled run (one M moves at a time) makes well defined.</summary>
    public bool Snapshots { get; init; }

    /// <summary>Events per M buffer when tracing; events beyond it are dropped and the trace is marked truncated.</summary>
    public int TraceCapacityPerM { get; init; } = 1 << 20;

    /// <summary>Record the trace into this shared region's slots (their capacity replaces <see cref="TraceCapacityPerM"/>)
    /// instead of private memory, so that another process can read it even if this one dies; Ms beyond its slots
    /// record privately and the region says it overflowed. Null (the default): private buffers.</summary>
    public Trace.TraceRegion? TraceRegion { get; init; }

    /// <summary>Fixed 64 KiB stacks (Native.StackPool, cache-coloured tops, stackguard0 = lo + 16 KiB) that never grow:
    /// a frame that does not fit is "goroutine stack exceeds 65536-byte limit". False (the default): Go's stacks, 2 KiB
    /// to start (Native.GoStacks, stackguard0 = lo + 928) and grown by copying up to 1 GB.</summary>
    public bool FixedStacks { get; init; }

    /// <summary>Run sysmon (retakes Ps stuck in system calls). Off for deterministic runs; always off when controlled.</summary>
    public bool Sysmon { get; init; } = true;

    /// <summary>Controlled mode: only one M at a time passes a scheduling point, and every nondeterministic choice
    /// comes from <see cref="Seed"/> (or from <see cref="Replay"/>). False (the default): free-running.</summary>
    public bool Controlled { get; init; }

    /// <summary>Seed of the controlled mode's random strategy.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>A recorded choice sequence (<see cref="RunResult.Choices"/>) to replay in controlled mode; choices
    /// past its end come from <see cref="Seed"/>.</summary>
    public IReadOnlyList<int>? Replay { get; init; }

    /// <summary>Give up (fatal error) when the run takes longer than this; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits forever.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether this build carries the seeded-bug catalog: true in diagnostic (non-Release) builds only.</summary>
    public static bool DiagnosticBuild =>
#if CHECKER_MUTANTS
        true;
#else
        false;
#endif

    private readonly Mutant _mutant;
    private readonly StubOptions _stubs;

    /// <summary>The stub set the run asks for (StubOptions.ShadowSched for a checked run that reads m.shadowsched).
    /// Internal, like <see cref="Mutant"/>; the seeded-bug options are refused outright in a Release build. The run's
    /// set is <see cref="EffectiveStubs"/>.</summary>
    internal StubOptions Stubs
    {
        get => _stubs;
        init
        {
            if ((value & StubOptions.Mutants) != 0 && !DiagnosticBuild)
                throw new InvalidOperationException($"stub options {value & StubOptions.Mutants}: seeded bugs exist only in a diagnostic (non-Release) build");
            _stubs = value;
        }
    }

    /// <summary>The stub set the run is compiled against and runs on: <see cref="Stubs"/>, plus ShadowSched in a run that
    /// takes snapshots (<see cref="Snapshots"/> with <see cref="Trace"/> and <see cref="Controlled"/>: Sched.TryReadShadow
    /// then has the sched each g ran with) and whenever a mutant is selected (a diagnostic run is always a checked run),
    /// plus the stub option a stub mutant maps to. Exactly <see cref="Stubs"/> (StubOptions.None by default) otherwise.</summary>
    internal StubOptions EffectiveStubs
    {
        get
        {
            var stubs = _stubs;
            if (Snapshots && Trace && Controlled) stubs |= StubOptions.ShadowSched;
            if (_mutant != Mutant.None) stubs |= StubOptions.ShadowSched | StubOptionOf(_mutant);
            return stubs;
        }
    }

    /// <summary>The stub option a stub mutant is (None for the mutants that live in C#).</summary>
    internal static StubOptions StubOptionOf(Mutant mutant) => mutant switch
    {
        Mutant.GogoKeepsSp => StubOptions.GogoKeepsSp,
        Mutant.GogoKeepsRet => StubOptions.GogoKeepsRet,
        Mutant.GogoKeepsCtxt => StubOptions.GogoKeepsCtxt,
        Mutant.GogoKeepsBp => StubOptions.GogoKeepsBp,
        Mutant.SystemstackKeepsSp => StubOptions.SystemstackKeepsSp,
        _ => StubOptions.None,
    };

    /// <summary>A seeded bug for the conformance campaign. Internal, and refused outright in a Release build, so a
    /// release run can never have one switched on.</summary>
    internal Mutant Mutant
    {
        get => _mutant;
        init
        {
            if (value != Mutant.None && !DiagnosticBuild)
                throw new InvalidOperationException($"mutant {value}: seeded bugs exist only in a diagnostic (non-Release) build");
            _mutant = value;
        }
    }
}
