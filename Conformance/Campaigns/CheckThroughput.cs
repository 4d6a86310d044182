using System.Diagnostics;
using Conformance.Refinement;
using Implementation;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Campaigns;

/// <summary>
/// Measures how fast the refinement check runs, apart from the runtime: one native run records a trace, then the
/// check of that trace is timed alone. Bench calls this: events checked per second is one of the figures the
/// project must not let regress.
/// </summary>
public sealed class CheckThroughput
{
    private readonly RunSpec _spec;
    private readonly RunResult _run;
    private readonly TraceEvent[] _trace;

    private CheckThroughput(RunSpec spec, RunResult run)
    {
        _spec = spec;
        _run = run;
        _trace = run.Trace is null ? [] : [.. run.Trace];
    }

    /// <summary>Runs <paramref name="workload"/> once on the runtime (controlled, traced) to get a trace to check.</summary>
    public static CheckThroughput Prepare(Workload workload, int procs = 1, ulong seed = 1)
    {
        var spec = RunSpec.Of(workload, procs, seed);
        return new CheckThroughput(spec, GoRuntime.Run(workload, Conformer.OptionsFor(spec)));
    }

    /// <summary>Events in the recorded trace.</summary>
    public int TraceEvents => _trace.Length;

    /// <summary>Checks the trace once; returns how many events were checked (all of them when the run conforms).</summary>
    public int CheckOnce() => Conformer.Judge(_spec, _run).EventsChecked;

    /// <summary>Checks the trace again and again for about <paramref name="duration"/>; events checked per second.</summary>
    public double MeasureEventsPerSecond(TimeSpan duration)
    {
        CheckOnce(); // warm up the JIT
        long events = 0;
        var clock = Stopwatch.StartNew();
        do events += CheckOnce();
        while (clock.Elapsed < duration);
        return events / clock.Elapsed.TotalSeconds;
    }

    /// <summary>The same, for the model's own trace of a workload on one P (no runtime needed): the checker's speed
    /// on a trace that refines all the way.</summary>
    public static double MeasureOnModelTrace(Workload workload, TimeSpan duration)
    {
        var checker = new RefinementChecker(workload, new Model.SchedConfig { Procs = 1 });
        var trace = checker.Predict();
        long events = 0;
        var clock = Stopwatch.StartNew();
        do events += new RefinementChecker(workload, new Model.SchedConfig { Procs = 1 }).Check(trace, Abstraction.Identity, null).EventsChecked;
        while (clock.Elapsed < duration);
        return events / clock.Elapsed.TotalSeconds;
    }
}
