namespace Conformance.Campaigns;

/// <summary>A snapshot for a progress display: how far the campaign is and what it is doing now.</summary>
public readonly record struct CampaignProgress(int Done, int Total, TimeSpan Elapsed, TimeSpan? Budget, long Events, int Violations, string Doing);
