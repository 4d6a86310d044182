using System.Collections.Immutable;
using System.Diagnostics;
using Conformance.Refinement;
using Conformance.Reports;
using Implementation;
using Model;
using Model.Workload;

namespace Conformance.Campaigns;

/// <summary>
/// Runs one workload on the native runtime in controlled mode with tracing on, and checks the trace against the
/// model (<see cref="RefinementChecker"/>). This is the unit every campaign, replay and mutation run is made of.
/// </summary>
public static class Conformer
{
    /// <summary>How long one native run may take before it counts as hung.</summary>
    public static TimeSpan RunTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The model's modelled status edges (with a from-status), for the reports' transition graph.</summary>
    public static IReadOnlyList<TransitionEdge> Edges { get; } =
        [.. Transitions.All.Where(e => e.From is not null && e.Modelled).Select(e => new TransitionEdge(e.Name, (int)e.From!.Value, (int)e.To, e.GoFunction))];

    /// <summary>A campaign that checks in <paramref name="pool"/>'s worker processes, as many runs at once as it has
    /// workers; with no pool, in this process with <see cref="Check"/> (<c>--in-process</c>).</summary>
    public static Campaign NewCampaign(Isolation.WorkerPool? pool = null) =>
        pool is null ? new(Check, Edges) : new(pool.Check, Edges, pool.Size);

    /// <summary>The check function a verb uses: <paramref name="pool"/>'s, or <see cref="Check"/> in this process.</summary>
    public static Func<RunSpec, CheckResult> CheckWith(Isolation.WorkerPool? pool) => pool is null ? Check : pool.Check;

    /// <summary>CHECKER_EVENTS_ONLY=1: record no snapshots, compare events only (to measure what the state check costs).
    /// Read once: every checked run asks.</summary>
    private static readonly bool EventsOnly = Environment.GetEnvironmentVariable("CHECKER_EVENTS_ONLY") == "1";

    /// <summary>The runtime options of a checked run.</summary>
    public static RuntimeOptions OptionsFor(RunSpec spec) => Mutants.With(new RuntimeOptions
    {
        Procs = spec.Procs,
        Trace = true,
        Snapshots = !EventsOnly,
        Controlled = true,
        Sysmon = false,
        Seed = spec.Seed,
        Replay = spec.Choices.IsDefaultOrEmpty ? null : spec.Choices,
        Timeout = spec.EffectiveTimeout,
    }, spec.Mutant);

    /// <summary>Runs <paramref name="spec"/> and checks it. Never throws for what the runtime does.</summary>
    public static CheckResult Check(RunSpec spec)
    {
        var run = GoRuntime.Run(spec.Workload, OptionsFor(spec));
        return Judge(spec, run);
    }

    /// <summary>Checks a finished run against the model.</summary>
    public static CheckResult Judge(RunSpec spec, RunResult run)
    {
        Implementation.Trace.TraceEvent[] trace = run.Trace is null ? [] : [.. run.Trace];
        ImmutableArray<int> choices = [.. run.Choices];
        var runtimeOutcome = OutcomeOf(run, trace);
        if (run.Trace is null || run.TraceTruncated)
        {
            var why = run.Trace is null ? "the runtime recorded no trace" : "the runtime's trace buffer filled up and events were dropped";
            return new CheckResult(spec.Workload, spec.Procs, spec.Seed, choices, spec.Mutant, trace, 0, null, runtimeOutcome,
                new Violation(ViolationKind.RuntimeFault, why, -1, null, null, null, null), TimeSpan.Zero);
        }

        var clock = Stopwatch.StartNew();
        var checker = new RefinementChecker(spec.Workload, ModelConfig(spec, trace));
        var abs = Abstraction.Native(run.Symbols);
        var stateCheck = run.Snapshots is null ? null : new StateRefinement(run.Snapshots, abs, spec.Workload.Semaphores(),
            [.. spec.Workload.Channels.Select(c => c.Name)]);
        var verdict = checker.Check(trace, abs, runtimeOutcome, stateCheck);
        clock.Stop();
        // The model's outcome only means something when its run ended; a violation stops it midway.
        var modelOutcome = verdict.FinalState.Outcome == Model.Outcome.Running ? null : verdict.ModelOutcome;
        return new CheckResult(spec.Workload, spec.Procs, spec.Seed, choices, spec.Mutant, trace, verdict.EventsChecked,
            modelOutcome, runtimeOutcome, verdict.Violation, clock.Elapsed);
    }

    /// <summary>
    /// The model configured as the runtime runs: GOMAXPROCS; sysmon's retake enabled, because the controlled mode
    /// chooses at each syscall exit whether the P was retaken (and does the retake itself); and the runtime's stacks,
    /// read from the first GoCreate: Go's growing ones (2 KiB to start, stackguard0 = lo + 928, doubling up to
    /// maxstacksize, no colouring), or, for a run with RuntimeOptions.FixedStacks, fixed stacks of that size with
    /// the fixed pool's stackguard0 distance (<c>StackPool.StackGuard</c>) and its colouring of each fresh g's
    /// stack.hi, so the model's prologue check is the native one for every g.
    /// </summary>
    public static SchedConfig ModelConfig(RunSpec spec, IReadOnlyList<Implementation.Trace.TraceEvent> trace)
    {
        var create = trace.FirstOrDefault(e => e.Kind == EventKind.GoCreate);
        var stack = create.Kind == EventKind.GoCreate ? (int)(create.D - create.C) : Native.GoStacks.StackMin;
        if (stack == Native.GoStacks.StackMin)
        {
            return new SchedConfig
            {
                Procs = spec.Procs, Sysmon = true, GrowStacks = true, StackBytes = Native.GoStacks.StackMin,
                StackGuardBytes = Native.GoStacks.StackGuard, MaxStackBytes = (int)Native.GoStacks.MaxStackSize,
            };
        }
        return new SchedConfig
        {
            Procs = spec.Procs, Sysmon = true, GrowStacks = false, StackBytes = stack, StackGuardBytes = Native.StackPool.StackGuard,
            ColourStacks = true,
        };
    }

    /// <summary>The runtime's outcome in the shared terms.</summary>
    public static Refinement.Outcome OutcomeOf(RunResult run, IReadOnlyList<Implementation.Trace.TraceEvent> trace)
    {
        var finished = trace.Where(e => e.Kind == EventKind.GoEnd).Select(e => e.G);
        var kind = run.Outcome switch
        {
            RunOutcome.Completed => OutcomeKind.Completed,
            RunOutcome.Deadlock => OutcomeKind.Deadlock,
            _ => OutcomeKind.Fatal,
        };
        var blocked = kind == OutcomeKind.Completed
            ? ImmutableSortedDictionary<long, string>.Empty
            : run.Blocked.ToImmutableSortedDictionary(b => b.Goid, b => b.Semaphore);
        return new Refinement.Outcome(kind, [.. finished], blocked, run.Message);
    }
}
