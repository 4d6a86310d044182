using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation;
using Implementation.Trace;

namespace Conformance.Isolation;

/// <summary>
/// Runs checked runs in worker processes, so that a runtime that corrupts memory, crashes or hangs takes a worker
/// with it and never the checker. A small pool (default: one worker per core), each worker reused for run after
/// run and replaced after a crash. Each slot of the pool has a shared trace file (<see cref="SharedTraceFile"/>) its
/// workers record into, so the trace up to a crash survives it. <see cref="Check"/> is thread-safe: a campaign runs
/// up to <see cref="Size"/> runs at once.
/// </summary>
/// <remarks>
/// A run: the checker sends the <see cref="RunSpec"/>; the worker runs it on the runtime and sends "ran", checks the
/// trace against the model and sends the verdict (<see cref="WorkerProtocol"/>); the checker reads the trace from the
/// shared file. A worker that closes its pipe meanwhile (a signal, an exit) gives a
/// <see cref="ViolationKind.RuntimeCrash"/>; one that has not sent "ran" within the run's timeout plus
/// <see cref="HangMargin"/> (or its verdict within the check's budget) is killed and gives a
/// <see cref="ViolationKind.RuntimeHang"/>. A worker that fails to start is the checker's own failure (an exception).
/// </remarks>
public sealed class WorkerPool : IDisposable
{
    private sealed class Slot(int index, SharedTraceFile trace)
    {
        public int Index { get; } = index;
        public SharedTraceFile Trace { get; } = trace;
        public WorkerProcess? Process;
        public long RunIds;
        /// <summary>The worker being started ahead of the first run, if any.</summary>
        public Task? Warmup;
    }

    private readonly Slot[] _slots;
    private readonly BlockingCollection<Slot> _idle = new(new ConcurrentQueue<Slot>());
    private readonly WorkerLaunch _launch;
    private int _started, _crashes, _hangs, _runs;
    private bool _disposed;

    /// <summary>One worker per core, between 1 and 8.</summary>
    public static int DefaultSize => Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>The most workers a pool may have.</summary>
    public const int MaxSize = 64;

    /// <param name="size">Workers (0: <see cref="DefaultSize"/>).</param>
    /// <param name="launch">How to start one (default: this checker's own program).</param>
    /// <param name="warm">Start every worker now, in the background, so that their start-up (a dotnet process and its
    /// JIT) overlaps the caller's own instead of delaying the first runs.</param>
    public WorkerPool(int size = 0, WorkerLaunch? launch = null, bool warm = true)
    {
        if (size == 0) size = DefaultSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        _launch = launch ?? WorkerLaunch.Current;
        var capacity = new RuntimeOptions().TraceCapacityPerM;
        _slots = new Slot[size];
        for (var i = 0; i < size; i++)
        {
            _slots[i] = new Slot(i, SharedTraceFile.Create(i, SharedTraceFile.DefaultSlots, capacity));
            _idle.Add(_slots[i]);
        }
        // Trace files are deleted by Dispose; this covers a checker stopped by SIGTERM or Ctrl-C first (a SIGKILL
        // leaves them to the next pool's clean-up of files whose checker is gone). The workers leave on their own.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteTraceFiles();
        _signals =
        [
            .. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
                .Select(sig => PosixSignalRegistration.Create(sig, _ => DeleteTraceFiles())),
        ];
        if (warm)
        {
            foreach (var slot in _slots)
                slot.Warmup = Task.Factory.StartNew(() => Ensure(slot), TaskCreationOptions.LongRunning);
        }
    }

    private readonly PosixSignalRegistration[] _signals;

    private void DeleteTraceFiles()
    {
        foreach (var slot in _slots) slot.Trace.DeleteFile();
    }

    /// <summary>How many runs may be in flight at once.</summary>
    public int Size => _slots.Length;

    /// <summary>How long past a run's timeout a worker may stay silent before it is killed as hung.</summary>
    public TimeSpan HangMargin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a worker may take to start and say hello.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Worker processes started so far (a crash or a recycle costs one more).</summary>
    public int ProcessesStarted => Volatile.Read(ref _started);

    /// <summary>Runs that ended in a <see cref="ViolationKind.RuntimeCrash"/>.</summary>
    public int Crashes => Volatile.Read(ref _crashes);

    /// <summary>Runs that ended in a <see cref="ViolationKind.RuntimeHang"/>.</summary>
    public int Hangs => Volatile.Read(ref _hangs);

    /// <summary>Runs checked.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>The process ids of the workers alive now.</summary>
    public IReadOnlyList<int> Pids
    {
        get
        {
            lock (_slots) return [.. _slots.Select(s => s.Process?.Pid ?? 0).Where(p => p != 0)];
        }
    }

    /// <summary>The shared trace files of the slots (deleted by <see cref="Dispose"/>).</summary>
    internal IReadOnlyList<string> TraceFiles => [.. _slots.Select(s => s.Trace.Path)];

    /// <summary>Runs <paramref name="spec"/> in a worker and checks it there: the same verdict as
    /// <see cref="Conformer.Check"/> in this process, or a crash or hang verdict. Never throws for what the runtime
    /// does; throws when a worker cannot be started or the checker itself fails in the worker.</summary>
    public CheckResult Check(RunSpec spec)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var slot = _idle.Take();
        try
        {
            Interlocked.Increment(ref _runs);
            return RunOn(slot, spec);
        }
        finally
        {
            _idle.Add(slot);
        }
    }

    private CheckResult RunOn(Slot slot, RunSpec spec)
    {
        var clock = Stopwatch.StartNew();
        WorkerProcess worker;
        long runId;
        byte[] request;
        AwaitWarmup(slot);
        for (var attempt = 0; ; attempt++)
        {
            worker = Ensure(slot);
            worker.ClearStderr();
            runId = ++slot.RunIds;
            request = WorkerProtocol.Run(runId, spec);
            if (worker.TrySend(FrameType.Run, request)) break;
            // The worker died while idle (between runs): nothing of this run happened yet; start another.
            Retire(slot, kill: true);
            if (attempt == 1) throw new InvalidOperationException("worker processes die before they can take a run (see their stderr); use --in-process");
        }

        var phase = "running the workload";
        var deadline = spec.EffectiveTimeout + HangMargin;
        var limit = $"the run's timeout of {Seconds(spec.EffectiveTimeout)} plus {Seconds(HangMargin)}";
        while (true)
        {
            var frame = worker.Receive(deadline - clock.Elapsed);
            if (frame is null) return Hung(slot, worker, runId, spec, phase, limit, clock);
            if (frame.IsEnd) return Crashed(slot, worker, runId, spec, phase, clock);
            switch (frame.Type)
            {
                case FrameType.Ran:
                {
                    var (_, events) = WorkerProtocol.ReadRan(frame.Payload);
                    phase = "checking the trace";
                    var budget = CheckBudget(events);
                    deadline = clock.Elapsed + budget;
                    limit = $"the check's budget of {Seconds(budget)} for {events:N0} events";
                    continue;
                }
                case FrameType.Result:
                {
                    var (id, result, trace, recycle) = WorkerProtocol.ReadResult(frame.Payload, spec);
                    if (id != runId) throw new InvalidOperationException($"worker {worker.Pid} answered run {id}, not run {runId}");
                    if (trace is null)
                    {
                        if (slot.Trace.Region.Run != runId) throw new InvalidOperationException($"worker {worker.Pid}'s trace region holds run {slot.Trace.Region.Run}, not run {runId}");
                        trace = slot.Trace.Region.Read(out _);
                    }
                    worker.Runs++;
                    if (recycle) Retire(slot, kill: false);
                    return result with { Trace = trace };
                }
                case FrameType.Error:
                {
                    var (_, where, message) = WorkerProtocol.ReadError(frame.Payload);
                    if (where == "request") throw new InvalidOperationException($"worker {worker.Pid} cannot run this request: {message}");
                    Retire(slot, kill: false);
                    if (where == "run")
                        return Threw(slot, worker, runId, spec, message, clock);
                    throw new InvalidOperationException($"the checker failed in worker {worker.Pid} while {phase}: {message}");
                }
                default:
                    throw new InvalidOperationException($"worker {worker.Pid} sent an unexpected {frame.Type} frame");
            }
        }
    }

    /// <summary>How long checking a trace of <paramref name="events"/> events may take: far more than it does
    /// (100,000 events/s and more), so that only a wedged worker runs out of it.</summary>
    public static TimeSpan CheckBudget(int events) => TimeSpan.FromSeconds(60) + TimeSpan.FromMilliseconds(events * 0.1);

    /// <summary>Waits for the slot's warm-up; a failed one is retried by <see cref="Ensure"/>, which then throws.</summary>
    private static void AwaitWarmup(Slot slot)
    {
        if (slot.Warmup is not { } t) return;
        slot.Warmup = null;
        try { t.Wait(); }
        catch (AggregateException) { }
    }

    private WorkerProcess Ensure(Slot slot)
    {
        if (slot.Process is { } live) return live;
        var w = WorkerProcess.Start(_launch, slot.Trace.Path, StartTimeout);
        Interlocked.Increment(ref _started);
        lock (_slots) slot.Process = w;
        return w;
    }

    private void Retire(Slot slot, bool kill)
    {
        var w = slot.Process;
        if (w is null) return;
        if (kill) w.Kill();
        else w.Stop(TimeSpan.FromSeconds(5));
        w.Dispose();
        lock (_slots) slot.Process = null;
    }

    private TraceEvent[] TraceOf(Slot slot, long runId) =>
        slot.Trace.Region.Run == runId ? slot.Trace.Region.Read(out _) : [];

    private CheckResult Crashed(Slot slot, WorkerProcess worker, long runId, RunSpec spec, string phase, Stopwatch clock)
    {
        var code = worker.WaitForExit(TimeSpan.FromSeconds(5));
        var stderr = worker.StderrTail();
        var trace = TraceOf(slot, runId);
        Retire(slot, kill: true);
        Interlocked.Increment(ref _crashes);
        var status = code is { } c ? ExitStatus.Describe(c) : "closed its output and did not exit (killed)";
        var signal = code is { } c2 ? ExitStatus.Signal(c2) : null;
        var details = new CrashDetails(status, code, signal, phase, stderr, worker.Pid, clock.Elapsed);
        var last = stderr.LastOrDefault(l => l.Trim().Length > 0);
        var message = $"the runtime crashed while {phase}: its worker process was {status}, after {trace.Length} trace events" +
            (last is null ? "" : $"; its last words: \"{last.Trim()}\"");
        return Verdict(spec, trace, new Violation(ViolationKind.RuntimeCrash, message, -1, null, null, null, null) { Crash = details });
    }

    private CheckResult Hung(Slot slot, WorkerProcess worker, long runId, RunSpec spec, string phase, string limit, Stopwatch clock)
    {
        worker.Kill();
        var stderr = worker.StderrTail();
        var trace = TraceOf(slot, runId);
        Retire(slot, kill: true);
        Interlocked.Increment(ref _hangs);
        var status = $"killed (SIGKILL) after {Seconds(clock.Elapsed)} without an answer";
        var details = new CrashDetails(status, null, null, phase, stderr, worker.Pid, clock.Elapsed);
        var message = $"the runtime hung while {phase}: its worker process gave no answer within {limit} and was killed, after {trace.Length} trace events";
        return Verdict(spec, trace, new Violation(ViolationKind.RuntimeHang, message, -1, null, null, null, null) { Crash = details });
    }

    private CheckResult Threw(Slot slot, WorkerProcess worker, long runId, RunSpec spec, string exception, Stopwatch clock)
    {
        Interlocked.Increment(ref _crashes);
        var trace = TraceOf(slot, runId);
        var first = exception.Split('\n')[0].Trim();
        var details = new CrashDetails("threw an exception out of GoRuntime.Run", null, null, "running the workload",
            [.. exception.Split('\n').TakeLast(WorkerProcess.StderrLines)], worker.Pid, clock.Elapsed);
        var message = $"the runtime crashed while running the workload: it threw {first}, after {trace.Length} trace events";
        return Verdict(spec, trace, new Violation(ViolationKind.RuntimeCrash, message, -1, null, null, null, null) { Crash = details });
    }

    private static CheckResult Verdict(RunSpec spec, TraceEvent[] trace, Violation violation) =>
        new(spec.Workload, spec.Procs, spec.Seed, spec.Choices.IsDefault ? [] : spec.Choices, spec.Mutant, trace, 0, null, null, violation, TimeSpan.Zero);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";

    /// <summary>Stops every worker (their stdin closes and they leave; killed if they do not) and deletes the trace files.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var r in _signals) r.Dispose();
        foreach (var s in _slots)
        {
            AwaitWarmup(s);
            Retire(s, kill: false);
            s.Trace.Dispose();
        }
    }
}
