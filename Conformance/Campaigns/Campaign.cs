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

    /// <param name="check">Runs one spec and checks it (<see cref="Conformer.Check"/>; tests pass fakes).</param>
    /// <param name="edges">The model's status edges, for the reports' transition graph.</param>
    public Campaign(Func<RunSpec, CheckResult> check, IReadOnlyList<TransitionEdge> edges)
    {
        _check = check;
        _edges = edges;
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
        for (var i = 0; i < o.Count; i++)
        {
            if (cancel.IsCancellationRequested) break;
            if (deadline is not null && DateTime.UtcNow >= deadline)
            {
                result.StoppedByBudget = true;
                break;
            }
            var (shape, workload) = WorkloadOf(o, i);
            var spec = new RunSpec(workload, o.Procs[i % o.Procs.Count], RunSeed(o.Seed, i), [], o.Mutant);
            progress?.Invoke(new CampaignProgress(i, o.Count, clock.Elapsed, o.Budget, result.Events, result.Violations,
                $"{shape?.ToString() ?? "workload"} on {spec.Procs} P{(spec.Procs > 1 ? "s" : "")}"));

            var r = _check(spec);
            Tally(result, spec.Procs, shape?.ToString() ?? "file", r);
            result.Coverage.Add(r.Trace);
            if (r.Conforms) continue;

            if (result.Findings.Count < o.MaxReported)
            {
                progress?.Invoke(new CampaignProgress(i, o.Count, clock.Elapsed, o.Budget, result.Events, result.Violations, "shrinking a violation"));
                var (shrunk, steps) = o.Shrink ? ShrinkViolation(r, DateTime.UtcNow + o.ShrinkBudget) : (r, 0);
                string? folder = null;
                if (o.ReportRoot is not null)
                {
                    var context = $"check, campaign seed {o.Seed}, run {i} ({shape?.ToString() ?? "given workload"}, GOMAXPROCS {spec.Procs}, schedule seed {spec.Seed})" +
                        (o.Mutant.Length > 0 ? $", mutant {o.Mutant}" : "");
                    folder = ReportWriter.Write(new ViolationReport(shrunk, steps > 0 ? r.Workload : null, steps, context), _edges, result.Coverage, o.ReportRoot);
                }
                result.Findings.Add(new Finding(shrunk, r, shape, i, steps, folder, clock.Elapsed));
            }
            if (o.StopAtFirstViolation) break;
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
