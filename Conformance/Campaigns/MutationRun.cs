using System.Diagnostics;

namespace Conformance.Campaigns;

/// <summary>
/// The checker checked: runs a conformance campaign against each seeded bug of the runtime (<see cref="Mutants"/>)
/// and records whether it was found (killed) and how long that took.
/// </summary>
public static class MutationRun
{
    /// <summary>The verdict on one mutant.</summary>
    public sealed record Outcome(string Mutant, bool Killed, TimeSpan TimeToDetection, int Runs, string Verdict, string? Token);

    /// <summary>The campaign each mutant gets: the default one's generator on 1, 2 and 4 Ps, stopping at the first
    /// violation, without shrinking or reports (the time to detection is the point).</summary>
    public static CampaignOptions OptionsFor(string mutant, ulong seed, TimeSpan budget, int count) => new()
    {
        Mutant = mutant,
        Seed = seed,
        Budget = budget,
        Count = count,
        Procs = [1, 2, 4],
        StopAtFirstViolation = true,
        Shrink = false,
        ReportRoot = null,
        MaxReported = 1,
        MaxSize = 12,
    };

    public static IReadOnlyList<Outcome> Run(IReadOnlyList<string> mutants, ulong seed, TimeSpan budgetEach, int countEach,
        Action<string, CampaignProgress>? progress = null, Func<RunSpec, Refinement.CheckResult>? check = null)
    {
        var results = new List<Outcome>();
        foreach (var m in mutants)
        {
            var campaign = check is null ? Conformer.NewCampaign() : new Campaign(check, Conformer.Edges);
            var clock = Stopwatch.StartNew();
            var r = campaign.Run(OptionsFor(m, seed, budgetEach, countEach), p => progress?.Invoke(m, p));
            clock.Stop();
            var f = r.Findings.FirstOrDefault();
            results.Add(new Outcome(m, r.Violations > 0, f?.FoundAfter ?? clock.Elapsed, r.Runs, f?.Result.Verdict ?? "survived", f?.Token));
        }
        return results;
    }
}
