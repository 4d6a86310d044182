using Bench.Scheduler;
using Implementation;
using Model.Workload;

namespace Bench.Suites;

/// <summary>
/// Shared plumbing of the scheduler suites: each invocation is one whole run of a bench workload on Checker's runtime
/// (GoRuntime.Run, tracing off), so the fixed cost of a run (compiling the workload, starting and joining the M
/// threads) is spread over the invocation's operations. The <c>peers</c> command's differential timer removes that
/// cost instead; expect these figures to sit slightly above its ones.
/// </summary>
public abstract class SchedulerBench
{
    Workload? _workload;

    /// <summary>Ps for the run.</summary>
    protected virtual int Procs => 1;

    /// <summary>The workload, parsed once.</summary>
    protected abstract Workload Build();

    /// <summary>Parses the workload once and runs it once, checking that it completes.</summary>
    protected RunResult SetupWorkload()
    {
        _workload = Build();
        var result = RunOnce();
        if (result.Outcome != RunOutcome.Completed)
            throw new InvalidOperationException($"{GetType().Name}: {result.Outcome}: {result.Message}");
        return result;
    }

    /// <summary>One run of the workload.</summary>
    protected RunResult RunOnce() =>
        GoRuntime.Run(_workload ?? throw new InvalidOperationException("GlobalSetup did not run"),
            new RuntimeOptions { Procs = Procs, Trace = false, Timeout = TimeSpan.FromMinutes(2) });

    /// <summary>One run, failing loudly if it did not complete.</summary>
    protected long RunChecked()
    {
        var r = RunOnce();
        return r.Outcome == RunOutcome.Completed ? r.Counters.Switches : throw new InvalidOperationException(r.Message);
    }
}
