using Model.Workload;

namespace Conformance.Campaigns;

/// <summary>What a conformance campaign runs.</summary>
public sealed record CampaignOptions
{
    /// <summary>How many runs (workload × GOMAXPROCS × schedule) at most.</summary>
    public int Count { get; init; } = 300;
    /// <summary>GOMAXPROCS values, used in turn.</summary>
    public IReadOnlyList<int> Procs { get; init; } = [1, 2, 4];
    /// <summary>The campaign seed: run i uses a seed derived from it, so the same seed gives the same campaign.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Stop starting new runs after this long (null: no limit).</summary>
    public TimeSpan? Budget { get; init; }
    /// <summary>Check this workload (under many schedules) instead of generated ones.</summary>
    public Workload? Workload { get; init; }
    /// <summary>Run against this runtime mutant ("" for the real runtime).</summary>
    public string Mutant { get; init; } = "";
    /// <summary>Shrink failing workloads (and their schedules).</summary>
    public bool Shrink { get; init; } = true;
    /// <summary>Give up shrinking after this long.</summary>
    public TimeSpan ShrinkBudget { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Stop at the first violation (the mutation run does).</summary>
    public bool StopAtFirstViolation { get; init; }
    /// <summary>Write a report folder for each violation, under <see cref="ReportRoot"/> (null: no reports).</summary>
    public string? ReportRoot { get; init; } = Reports.ReportWriter.DefaultRoot;
    /// <summary>At most this many violations are shrunk and reported; later ones are only counted.</summary>
    public int MaxReported { get; init; } = 3;
    /// <summary>Take the shapes in turn (run i gets <c>WorkloadGen.Shapes[i mod its length]</c>) instead of by their weights: every shape early,
    /// which the mutation run wants.</summary>
    public bool ShapesInTurn { get; init; }
    /// <summary>FsCheck sizes grow from 1 to this over the campaign.</summary>
    public int MaxSize { get; init; } = 30;
}
