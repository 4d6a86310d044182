using Conformance.Refinement;
using Model.Workload;

namespace Conformance.Reports;

/// <summary>What a report is written from: the (shrunk) failing check, and where it came from.</summary>
/// <param name="Result">The check of the shrunk workload, with its violation.</param>
/// <param name="Original">The workload as generated, before shrinking (null when it was not shrunk).</param>
/// <param name="ShrinkSteps">How many shrink steps were taken.</param>
/// <param name="Context">Where it was found: "check, seed 42, workload 17 (SpawnTree)".</param>
public sealed record ViolationReport(CheckResult Result, Workload? Original, int ShrinkSteps, string Context)
{
    /// <summary>The command that reproduces the verdict.</summary>
    /// <remarks>A mutant exists only in a diagnostic build, so its replay runs the Debug build.</remarks>
    public string ReplayCommand => $"dotnet run --project Conformance -c {(Result.Mutant.Length > 0 ? "Debug" : "Release")} -- replay {Result.Token.Encode()}";
}
