using Implementation;

namespace Conformance.Tests;

/// <summary>A fact that needs the runtime's seeded bugs (Implementation/Mutant.cs), which exist only in a diagnostic
/// (non-Release) build: skipped, with that reason, in a Release build.</summary>
public sealed class DiagnosticFactAttribute : FactAttribute
{
    public DiagnosticFactAttribute()
    {
        if (!RuntimeOptions.DiagnosticBuild)
            Skip = "needs the seeded runtime bugs, which exist only in a diagnostic build (run the tests in Debug, the default)";
    }
}
