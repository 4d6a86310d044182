using Implementation;

namespace Checker.Tests;

/// <summary>
/// A fact that needs the runtime's seeded bugs, which exist only in a diagnostic (non-Release) build. In a Release
/// build it is skipped with that reason, so `dotnet test -c Release` tests the configuration that ships and says
/// what it could not test there.
/// </summary>
public sealed class DiagnosticBuildFactAttribute : FactAttribute
{
    public const string Reason = "needs the runtime's seeded bugs, which only a diagnostic build has (run dotnet test without -c Release)";

    public DiagnosticBuildFactAttribute()
    {
        if (!RuntimeOptions.DiagnosticBuild) Skip = Reason;
    }
}

/// <summary>The theory form of <see cref="DiagnosticBuildFactAttribute"/>.</summary>
public sealed class DiagnosticBuildTheoryAttribute : TheoryAttribute
{
    public DiagnosticBuildTheoryAttribute()
    {
        if (!RuntimeOptions.DiagnosticBuild) Skip = DiagnosticBuildFactAttribute.Reason;
    }
}
