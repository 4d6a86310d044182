using System.Collections.Immutable;
using System.Diagnostics;
using Conformance.Generators;
using Conformance.Refinement;
using Conformance.Reports;
using Model.Workload;

namespace Conformance.Campaigns;

/// <summary>
/// A property-based conformance campaign: FsCheck generates workloads (<see cref="WorkloadGen"/>), each is run on the
/// runtime under GOMAXPROCS taken in turn from the options and checked against the model. The properties checked per
/// run: the trace refines the model, every named invariant holds, and the outcome agrees; a run breaking any of them
/// is a violation. Each violation is shrunk (the workload first, then the schedule's choice prefix), reported, and
/// given a replay token.
/// </summary>
public sealed class Campaign
{
    private readonly Func<RunSpec, CheckResult> _check;
    private readonly IReadOnlyList<TransitionEdge> _edges;
    private readonly int _parallelism;

    /// <param name="check">Runs one spec and checks it (<see cref="Conformer.Check"/>; tests pass fakes).</param>
    /// <param name="edges">The model's status edges, for the reports' transition graph.</param>
    /// <param name="parallelism">How many runs may be in flight at once (1: one after the other on the calling
    /// thread). More than 1 needs a thread-safe <paramref name="check"/> (a <see cref="Isolation.WorkerPool"/>);
    /// results are still taken in run order, so the campaign's result does not depend on it.</param>
    public Campaign(Func<RunSpec, CheckResult> check, IReadOnlyList<TransitionEdge> edges, int parallelism = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _check = check;
        _edges = edges;
        _parallelism = parallelism;
    }

    /// <summary>The seed of run <paramref name="index"/> of a campaign seeded with <paramref name="seed"/> (SplitMix64).</summary>
    public static ulong RunSeed(ulong seed, int index)
    {
        var z = seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The workload of run <paramref name="index"/>: generated from its seed at a size that grows over the campaign.</summary>
    public static (WorkloadShape? Shape, Workload Workload) WorkloadOf(CampaignOptions o, int index)
    {
        if (o.Workload is not null) return (null, o.Workload);
        var size = 1 + (int)((long)index * o.MaxSize / Math.Max(1, o.Count));
        if (o.ShapesInTurn)
        {
            var turn = WorkloadGen.Shapes[index % WorkloadGen.Shapes.Length];
            return (turn, WorkloadGen.Sample(WorkloadGen.Of(turn), size, RunSeed(o.Seed, index), 1)[0]);
        }
        var (shape, workload) = WorkloadGen.Sample(WorkloadGen.Tagged, size, RunSeed(o.Seed, index), 1)[0];
        return (shape, workload);
    }

    public static RunSpec SpecOf(CampaignOptions o, int index)
    {
        var (_, workload) = WorkloadOf(o, index);
        return new RunSpec(workload, o.Procs[index % o.Procs.Count], RunSeed(o.Seed, index), [], o.Mutant);
    }

    public CampaignResult Run(CampaignOptions o, Action<CampaignProgress>? progress = null, CancellationToken cancel = default)
    {
        var result = new CampaignResult { Options = o };
        var clock = Stopwatch.StartNew();
        var deadline = o.Budget is { } b ? DateTime.UtcNow + b : (DateTime?)null;
        // Runs in flight, oldest first, each on its own thread (a run blocks on a worker's pipe: never starve the
        // thread pool with it). With parallelism 1 a run is checked when it is taken, on this thread.
        var window = new Queue<(int Index, WorkloadShape? Shape, RunSpec Spec, Task<CheckResult>? Task)>();
        var next = 0;
        try
        {
            while (true)
            {
                while (window.Count < _parallelism && next < o.Count && !cancel.IsCancellationRequested)
                {
                    if (deadline is not null && DateTime.UtcNow >= deadline)
                    {
                        result.StoppedByBudget = true;
                        break;
                    }
                    var (shape, workload) = WorkloadOf(o, next);
                    var spec = new RunSpec(workload, o.Procs[next % o.Procs.Count], RunSeed(o.Seed, next), [], o.Mutant);
                    progress?.Invoke(new CampaignProgress(next, o.Count, clock.Elapsed, o.Budget, result.Events, result.Violations,
                        $"{shape?.ToString() ?? "workload"} on {spec.Procs} P{(spec.Procs > 1 ? "s" : "")}"));
                    window.Enqueue((next, shape, spec, _parallelism > 1 ? Task.Factory.StartNew(() => _check(spec), TaskCreationOptions.LongRunning) : null));
                    next++;
                }
                if (window.Count == 0) break;

                var (i, runShape, runSpec, task) = window.Dequeue();
                var r = task is null ? _check(runSpec) : task.GetAwaiter().GetResult();
                Tally(result, runSpec.Procs, runShape?.ToString() ?? "file", r);
                result.Coverage.Add(r.Trace);
                if (r.Conforms) continue;

                if (result.Findings.Count < o.MaxReported)
                {
                    progress?.Invoke(new CampaignProgress(i, o.Count, clock.Elapsed, o.Budget, result.Events, result.Violations, "shrinking a violation"));
                    var (shrunk, steps) = o.Shrink ? ShrinkViolation(r, DateTime.UtcNow + o.ShrinkBudget) : (r, 0);
                    string? folder = null;
                    if (o.ReportRoot is not null)
                    {
                        var context = $"check, campaign seed {o.Seed}, run {i} ({runShape?.ToString() ?? "given workload"}, GOMAXPROCS {runSpec.Procs}, schedule seed {runSpec.Seed})" +
                            (o.Mutant.Length > 0 ? $", mutant {o.Mutant}" : "");
                        folder = ReportWriter.Write(new ViolationReport(shrunk, steps > 0 ? r.Workload : null, steps, context), _edges, result.Coverage, o.ReportRoot);
                    }
                    result.Findings.Add(new Finding(shrunk, r, runShape, i, steps, folder, clock.Elapsed));
                }
                if (o.StopAtFirstViolation) break;
            }
        }
        finally
        {
            // Runs still in flight (after a stop, or an exception) finish before the campaign returns, so that no
            // worker is left busy; their results are not counted.
            foreach (var w in window)
            {
                try { w.Task?.Wait(); }
                catch (AggregateException) { }
            }
        }
        result.Elapsed = clock.Elapsed;
        return result;
    }

    private static void Tally(CampaignResult result, int procs, string shape, CheckResult r)
    {
        foreach (var t in new[] { Get(result.ByProcs, procs), Get(result.ByShape, shape) })
        {
            t.Runs++;
            t.Events += r.EventsChecked;
            t.CheckTime += r.Elapsed;
            if (!r.Conforms) t.Violations++;
            if (r.RuntimeOutcome?.Kind == OutcomeKind.Completed) t.Completed++;
            if (r.RuntimeOutcome?.Kind == OutcomeKind.Deadlock) t.Deadlocks++;
        }

        static CampaignResult.Tally Get<TKey>(Dictionary<TKey, CampaignResult.Tally> d, TKey key) where TKey : notnull
        {
            if (!d.TryGetValue(key, out var t)) d[key] = t = new CampaignResult.Tally();
            return t;
        }
    }

    /// <summary>
    /// Shrinks a failing check: first the workload (keeping the violation's kind and event kind), then the schedule, by replaying
    /// shorter prefixes of the recorded choices (the rest then comes from the seed) while the violation stays.
    /// </summary>
    public (CheckResult Result, int Steps) ShrinkViolation(CheckResult failing, DateTime deadline)
    {
        // A candidate still fails when it fails the same way: the same kind of violation at the same kind of event,
        // so shrinking does not drift from one bug to another.
        var kind = failing.Violation!.Kind;
        // A hang costs its whole timeout per candidate: it is reported as found. (A crash shrinks like any violation:
        // each candidate runs in a worker, and a candidate that crashes too still fails.)
        if (kind == ViolationKind.RuntimeHang) return (failing, 0);
        var eventKind = failing.Violation.Event?.Kind;
        var last = failing;
        bool Fails(RunSpec spec)
        {
            var r = _check(spec);
            if (r.Violation?.Kind != kind || r.Violation.Event?.Kind != eventKind) return false;
            last = r;
            return true;
        }

        var spec0 = new RunSpec(failing.Workload, failing.Procs, failing.Seed, [], failing.Mutant);
        var best = failing;
        var w = Shrinking.Minimize(failing.Workload, cand => Fails(spec0 with { Workload = cand }), maxTries: 500, deadline: deadline);
        var steps = w.Steps;
        if (w.Steps > 0 && Fails(spec0 with { Workload = w.Value })) best = last;

        // The schedule: replay the choices the failing run made, cut shorter while it still fails.
        if (best.Choices.Length > 0 && DateTime.UtcNow < deadline)
        {
            var s = Shrinking.Minimize(best.Choices, ShrinkChoices,
                choices => Fails(new RunSpec(best.Workload, best.Procs, best.Seed, choices, best.Mutant)), maxTries: 60, deadline: deadline);
            if (s.Steps > 0 && Fails(new RunSpec(best.Workload, best.Procs, best.Seed, s.Value, best.Mutant)))
            {
                best = last;
                steps += s.Steps;
            }
        }
        return (best, steps);
    }

    private static IEnumerable<ImmutableArray<int>> ShrinkChoices(ImmutableArray<int> choices)
    {
        if (choices.Length == 0) yield break;
        yield return [];
        if (choices.Length > 1) yield return choices[..(choices.Length / 2)];
        if (choices.Length > 2) yield return choices[..(choices.Length - 1)];
    }
}
