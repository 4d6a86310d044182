using Conformance.Reports;

namespace Conformance.Campaigns;

/// <summary>Totals of a campaign, per GOMAXPROCS and per shape, with its findings and the edge coverage.</summary>
public sealed class CampaignResult
{
    /// <summary>Counts for one row of the summary table.</summary>
    public sealed class Tally
    {
        public int Runs;
        public long Events;
        public int Violations;
        public int Completed;
        public int Deadlocks;
        public TimeSpan CheckTime;
    }

    public required CampaignOptions Options { get; init; }
    public Dictionary<int, Tally> ByProcs { get; } = [];
    public Dictionary<string, Tally> ByShape { get; } = [];
    public List<Finding> Findings { get; } = [];
    public TransitionCoverage Coverage { get; } = new();
    public int Runs => ByProcs.Values.Sum(t => t.Runs);
    public long Events => ByProcs.Values.Sum(t => t.Events);
    public int Violations => ByProcs.Values.Sum(t => t.Violations);
    public TimeSpan Elapsed { get; set; }
    /// <summary>Time spent in the refinement check itself (not running the runtime).</summary>
    public TimeSpan CheckTime => ByProcs.Values.Aggregate(TimeSpan.Zero, (a, t) => a + t.CheckTime);

    /// <summary>Events checked per second of checking time.</summary>
    public double EventsPerSecond => CheckTime.TotalSeconds > 0 ? Events / CheckTime.TotalSeconds : 0;

    /// <summary>Runs per minute of wall time.</summary>
    public double RunsPerMinute => Elapsed.TotalMinutes > 0 ? Runs / Elapsed.TotalMinutes : 0;

    /// <summary>True when the run was stopped by its time budget before <see cref="CampaignOptions.Count"/> runs.</summary>
    public bool StoppedByBudget { get; set; }
}
