using System.Collections.Immutable;
using Conformance.Replay;
using Model.Workload;

namespace Conformance.Campaigns;

/// <summary>One run to check: the workload, GOMAXPROCS, the controlled scheduler's seed, a choice prefix to replay
/// (empty: all choices from the seed) and the runtime mutant ("" for the real runtime).</summary>
public sealed record RunSpec(Workload Workload, int Procs, ulong Seed, ImmutableArray<int> Choices, string Mutant = "")
{
    /// <summary>How long the native run may take (null: <see cref="Conformer.RunTimeout"/>). Past it the runtime gives
    /// up on its own; an isolated run whose worker does not answer by then plus a margin is a
    /// <see cref="Refinement.ViolationKind.RuntimeHang"/>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The timeout this run gets.</summary>
    public TimeSpan EffectiveTimeout => Timeout ?? Conformer.RunTimeout;

    public static RunSpec Of(Workload workload, int procs, ulong seed, string mutant = "") => new(workload, procs, seed, [], mutant);

    /// <summary>The run a replay token names.</summary>
    public static RunSpec From(ReplayToken token) =>
        new(WorkloadParser.Parse(token.Workload, "replay token"), token.Procs, token.Seed, token.Choices, token.Mutant);
}
