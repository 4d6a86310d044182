using System.Collections.Immutable;
using Conformance.Replay;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Refinement;

/// <summary>
/// The verdict on one run of one workload: the run's parameters (enough to replay it), its merged trace, how many
/// events were checked, both outcomes, and the first violation if there was one.
/// </summary>
public sealed record CheckResult(
    Workload Workload,
    int Procs,
    ulong Seed,
    ImmutableArray<int> Choices,
    string Mutant,
    TraceEvent[] Trace,
    int EventsChecked,
    Outcome? ModelOutcome,
    Outcome? RuntimeOutcome,
    Violation? Violation,
    TimeSpan Elapsed)
{
    public bool Conforms => Violation is null;

    /// <summary>"conforms" or the violation's verdict: what a replay must reproduce.</summary>
    public string Verdict => Violation?.Verdict ?? "conforms";

    /// <summary>Kind and position only (raw addresses differ from run to run): two runs with the same signature
    /// reproduce each other. This is what a replay token records and a replay compares.</summary>
    public string Signature => Violation?.Signature ?? "conforms";

    /// <summary>The token that runs this check again on the same build.</summary>
    public ReplayToken Token => new(Seed, Procs, WorkloadPrinter.Print(Workload), Choices.IsDefault ? [] : Choices, BuildId.Current, Mutant, Signature);
}
