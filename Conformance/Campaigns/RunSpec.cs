using System.Collections.Immutable;
using Conformance.Replay;
using Model.Workload;

namespace Conformance.Campaigns;

/// <summary>One run to check: the workload, GOMAXPROCS, the controlled scheduler's seed, a choice prefix to replay
/// (empty: all choices from the seed) and the runtime mutant ("" for the real runtime).</summary>
public sealed record RunSpec(Workload Workload, int Procs, ulong Seed, ImmutableArray<int> Choices, string Mutant = "")
{
    public static RunSpec Of(Workload workload, int procs, ulong seed, string mutant = "") => new(workload, procs, seed, [], mutant);

    /// <summary>The run a replay token names.</summary>
    public static RunSpec From(ReplayToken token) =>
        new(WorkloadParser.Parse(token.Workload, "replay token"), token.Procs, token.Seed, token.Choices, token.Mutant);
}
