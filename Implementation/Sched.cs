using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Implementation.Trace;
using Native;
using Native.Compiler;
using Native.Layout;

namespace Implementation;

/// <summary>
/// One run of the native runtime: Go's <c>sched</c> (runtime2.go's schedt) plus allp, allgs and the semaphores.
/// The scheduler functions are split over Sched.*.cs by topic, each mirroring the Go function it names. All of it
/// runs in C# on g0 of an M thread (or on sysmon's thread), never on a goroutine stack.
/// </summary>
internal sealed unsafe partial class Sched : IDisposable
{
    /// <summary>_GoidCacheBatch (proc.go).</summary>
    public const int GoidCacheBatch = SchedConstants.GoidCacheBatch;

    private readonly RuntimeOptions _options;
    /// <summary>The branch every trace site takes: constant for the whole run.</summary>
    private readonly bool _tracing;
    private readonly bool _controlled;
#if CHECKER_MUTANTS
    /// <summary>The seeded bug of a diagnostic build's mutation run (None for a real run).</summary>
    private readonly Mutant _mutant;
#else
    /// <summary>A Release runtime has no seeded bug: every mutant site compares two constants, which the compiler folds,
    /// so no mutant branch reaches the Release assembly (tests/Implementation.Tests/MutantTests.cs inspects it).</summary>
    private const Mutant _mutant = Mutant.None;
#endif
    private readonly TraceRecorder? _recorder;
    /// <summary>
    /// GOMAXPROCS == 1 (constant for the run). Then no thief exists: stealWork returns at once without another P, and
    /// runqsteal/runqgrab are its only callers, so a P's ring head and runnext are written only by the M that holds
    /// the P. The runq CASes of runqput/runqget (Go's, for racing thieves) cannot fail, and the owner does them as
    /// plain load + store-release. A P changes hands only through sched.lock, a P status CAS or an M's park note,
    /// each of which orders the previous owner's writes before the next owner's reads.
    /// </summary>
    private readonly bool _singleP;

    /// <summary>allp: the Ps, GOMAXPROCS of them, in native memory.</summary>
    private readonly P*[] _allp;
    public int Procs { get; }

    /// <summary>sched.lock: protects the global run queue, the global gFree list, pidle, midle and the M counts.</summary>
    private RuntimeLock _lock;

    // Global run queue (sched.runq, sched.runqsize), linked through g.schedlink. Under _lock.
    private G* _runqHead, _runqTail;
    private int _runqSize;

    // Global gFree lists (sched.gFree.stack and sched.gFree.noStack; _gFreeN counts both). Under _gFreeLock.
    private G* _gFreeHead;
    private G* _gFreeNoStackHead;
    private int _gFreeN;

    // Idle Ps (sched.pidle, sched.npidle). The list under _lock; the count is read without it.
    private P* _pidle;
    private int _npidle;

    /// <summary>sched.nmspinning.</summary>
    private int _nmspinning;

    // Idle Ms (sched.midle, nmidle) and all Ms (mcount). Under _lock.
    private MState? _midle;
    private int _nmidle;
    private readonly List<MState> _allm = [];

    /// <summary>sched.goidgen.</summary>
    private long _goidgen;

    /// <summary>allgs: every G record ever created in this run (reused ones appear once). Under _allgLock.</summary>
    private readonly List<nint> _allgs = [];
    private readonly object _allgLock = new();

    private readonly Sema[] _semas;

    /// <summary>The compiled workload: body entry pcs and the symbol table.</summary>
    public CompiledWorkload Program { get; }

    /// <summary>The run's stub set (<see cref="RuntimeOptions.EffectiveStubs"/>): the one <see cref="Program"/> was
    /// compiled against, whose entry every M calls and whose goexit+1 tops every stack.</summary>
    private readonly StubSet _stubs;

    /// <summary>The entry stub of <see cref="_stubs"/> (Schedule loads it into a local once per M).</summary>
    private readonly delegate* unmanaged<M*, G*, long> _entry;

    /// <summary>Whether the stubs fill m.shadowsched at every switch back to g0 (constant for the run).</summary>
    private readonly bool _shadowing;

    /// <summary>Program.BodyEntries, held here for newproc1 (one load instead of three).</summary>
    private readonly nint[] _bodyEntries;

    // Counters for the run summary (approximate under races only where marked).
    private long _steals, _syscallSlow, _handoffs, _retakes;
    /// <summary>Retakes and sysmon injections in progress: sysmon counts as a running M while it hands a P off or
    /// queues the gs its network poll readied (Go's incidlelocked(-1) in retake and in sysmon's poll). Read by checkdead
    /// under sched.lock.</summary>
    private int _retaking;

    // Outcome, set once.
    private int _finished;
    private RunOutcome _outcome = RunOutcome.Completed;
    private string _message = "";
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public Sched(CompiledWorkload program, RuntimeOptions options)
    {
        if (options.Procs < 1) throw new ArgumentOutOfRangeException(nameof(options), "Procs must be at least 1");
        if (program.Stubs.Options != options.EffectiveStubs)
            throw new ArgumentException(
                $"the workload was compiled against stub set {program.Stubs.Options}, the options ask for {options.EffectiveStubs}: compile it with StubSet.Get(options.EffectiveStubs)",
                nameof(program));
        _options = options;
        Program = program;
        _stubs = program.Stubs;
        _entry = _stubs.Entry;
        _shadowing = _stubs.ShadowsSched;
        _bodyEntries = program.BodyEntries;
        _tracing = options.Trace;
        _controlled = options.Controlled;
        _snapshots = options.Snapshots && options.Trace && options.Controlled;
#if CHECKER_MUTANTS
        _mutant = options.Mutant;
#endif
        if (_tracing) _recorder = new TraceRecorder(options.TraceCapacityPerM, options.TraceRegion);
        Procs = options.Procs;
        _singleP = Procs == 1;
        _allp = new P*[Procs];
        for (var i = 0; i < Procs; i++)
        {
            var p = (P*)NativeMemory.AlignedAlloc((nuint)sizeof(P), 64);
            NativeMemory.Clear(p, (nuint)sizeof(P));
            p->Id = i;
            p->Status = (int)PStatus.Idle;
            _allp[i] = p;
        }
        InitStacks(options);
        InitPreemption();
        _semas = new Sema[program.Semaphores.Count];
        for (var i = 0; i < _semas.Length; i++) _semas[i] = new Sema(i, program.Semaphores[i]);
        if (_controlled) _control = new Controller(options.Seed, options.Replay);
        MakeChans();
        DescribeSelects();
    }

    // ---- small helpers -------------------------------------------------------------------------------------------

    /// <summary>Records one event. Kept out of line: every site is <c>if (_tracing) Trace(...)</c>, and inlining the
    /// recorder into each would only grow the hot paths (bigger frames, more registers saved) for the untraced run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Trace(MState mp, EventKind kind, long g, long a = 0, long b = 0, long c = 0, long d = 0)
    {
        // The trace ends at a fatal error or a panic, as a Go program's life does (fatalthrow, fatalpanic exit the
        // process): the shutdown that follows (the failed g's mcall, the other Ms leaving) is ours, not a scheduling
        // step of the run, and would only be misread as one.
        if (_fatalEnded) return;
        mp.Trace!.Add(_recorder!.NextSeq(), kind, mp.PId, g, a, b, c, d);
    }

    /// <summary>Set by <see cref="Finish"/> for a fatal outcome: no event is recorded after it.</summary>
    private volatile bool _fatalEnded;

    /// <summary>A PStatus event: its P field is the P whose status changed (not the recording M's), C repeats it.</summary>
    private void TracePStatus(MState mp, P* pp, PStatus from, PStatus to)
    {
        if (_fatalEnded) return;
        mp.Trace!.Add(_recorder!.NextSeq(), EventKind.PStatus, (short)pp->Id, 0, (int)from, (int)to, pp->Id, 0);
    }

    /// <summary>readgstatus (proc.go): an atomic load of the status word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static GStatus ReadGStatus(G* gp) => (GStatus)Volatile.Read(ref gp->AtomicStatus);

    internal bool Finished => Volatile.Read(ref _finished) != 0;

    /// <summary>Go's throw: records the first fatal message, ends the run, and unwinds the calling M's loop.</summary>
    [DoesNotReturn]
    internal void Fatal(string message)
    {
        Finish(RunOutcome.Fatal, "fatal error: " + message);
        throw new FatalException(message);
    }

    /// <summary>Ends the run with an outcome (the first caller wins) and wakes every M so that they leave.</summary>
    internal void Finish(RunOutcome outcome, string message)
    {
        if (Interlocked.CompareExchange(ref _finished, 1, 0) != 0) return;
        if (outcome == RunOutcome.Fatal) _fatalEnded = true;
        _outcome = outcome;
        _message = message;
        _elapsed = _clock.Elapsed;
        lock (_allm)
        {
            foreach (var m in _allm)
            {
                m.Exit = true;
                m.Park.Release();
            }
        }
        _control?.Abort();
        _done.Set();
    }

    private TimeSpan _elapsed;

    public void Dispose()
    {
        foreach (var p in _allp) NativeMemory.AlignedFree(p);
        foreach (var m in _allm) m.Dispose();
        _sysmonM?.Dispose();
        _recorder?.Dispose();
        DisposeNetpoll();
        lock (_allgLock)
        {
            _allgs.Clear(); // the G records go with their slabs, the stacks with the pool's arenas
        }
        FreeChans();
        _gslab.Dispose();
        _stacks?.Dispose();
        _goStacks?.Dispose();
        _done.Dispose();
    }
}

/// <summary>Unwinds an M's scheduler loop after <see cref="Sched.Fatal"/> recorded the message.</summary>
internal sealed class FatalException(string message) : Exception(message);
