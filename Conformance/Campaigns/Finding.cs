using Conformance.Generators;
using Conformance.Refinement;

namespace Conformance.Campaigns;

/// <summary>A violation found by a campaign: the (shrunk) failing check, where it came from, and its report folder.</summary>
public sealed record Finding(CheckResult Result, CheckResult Original, WorkloadShape? Shape, int RunIndex, int ShrinkSteps, string? ReportFolder, TimeSpan FoundAfter)
{
    public string Token => Result.Token.Encode();
}
