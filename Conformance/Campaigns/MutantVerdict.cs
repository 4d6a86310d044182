namespace Conformance.Campaigns;

/// <summary>The verdict of the mutation run (<see cref="MutationRun"/>) on one seeded bug: whether a run found it
/// (killed), after how long and how many runs, with that run's verdict and replay token.</summary>
public sealed record MutantVerdict(string Mutant, bool Killed, TimeSpan TimeToDetection, int Runs, string Verdict, string? Token);
