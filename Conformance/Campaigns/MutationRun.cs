using System.Diagnostics;

namespace Conformance.Campaigns;

/// <summary>
/// The checker checked: runs a conformance campaign against each seeded bug of the runtime (<see cref="Mutants"/>)
/// and records whether it was found (killed) and how long that took. A mutant is killed by a run whose verdict differs
/// from the real runtime's verdict on the same run (same workload, GOMAXPROCS and schedule seed): so a violation that
/// the real runtime shows too does not count, and the score stays honest while the two sides still disagree somewhere.
/// </summary>
public static class MutationRun
{
    /// <summary>The campaign each mutant gets (the "faster subset" of the default one): the same generators, each
    /// shape in turn, on 1, 2 and 4 Ps, stopping at the first violation, without shrinking or reports (the time to
    /// detection is the point).</summary>
    public static CampaignOptions OptionsFor(string mutant, ulong seed, TimeSpan budget, int count) => new()
    {
        Mutant = mutant,
        Seed = seed,
        Budget = budget,
        Count = count,
        Procs = [1, 2, 4],
        StopAtFirstViolation = true,
        ShapesInTurn = true,
        Shrink = false,
        ReportRoot = null,
        MaxReported = 1,
        MaxSize = 12,
    };

    /// <remarks>check: Runs one spec (default: <see cref="Conformer.Check"/> in this process, where a mutant that
    /// crashes the runtime takes the checker with it: pass a <see cref="Isolation.WorkerPool"/>'s). parallelism: Runs in flight at once (the pool's size); <paramref name="check"/> must then be thread-safe.</remarks>
    public static IReadOnlyList<MutantVerdict> Run(IReadOnlyList<string> mutants, ulong seed, TimeSpan budgetEach, int countEach,
        Action<string, CampaignProgress>? progress = null, Func<RunSpec, Refinement.CheckResult>? check = null, int parallelism = 1)
    {
        check ??= Conformer.Check;
        var baseline = new Dictionary<(string Workload, int Procs, ulong Seed), string>();
        Refinement.CheckResult Killing(RunSpec spec)
        {
            var r = check(spec);
            if (r.Conforms) return r;
            var key = (Model.Workload.WorkloadPrinter.Print(spec.Workload), spec.Procs, spec.Seed);
            string? real;
            lock (baseline) baseline.TryGetValue(key, out real);
            if (real is null)
            {
                real = check(spec with { Mutant = "", Choices = [] }).Signature;
                lock (baseline) baseline[key] = real;
            }
            // The same verdict as the real runtime's: not this mutant's doing.
            return r.Signature == real ? r with { Violation = null } : r;
        }

        var results = new List<MutantVerdict>();
        foreach (var m in mutants)
        {
            var campaign = new Campaign(Killing, Conformer.Edges, parallelism);
            var clock = Stopwatch.StartNew();
            var r = campaign.Run(OptionsFor(m, seed, budgetEach, countEach), p => progress?.Invoke(m, p));
            clock.Stop();
            var f = r.Findings.FirstOrDefault();
            results.Add(new MutantVerdict(m, r.Violations > 0, f?.FoundAfter ?? clock.Elapsed, r.Runs, f?.Result.Verdict ?? "survived", f?.Token));
        }
        return results;
    }
}
