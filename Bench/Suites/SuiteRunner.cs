using BenchmarkDotNet.Running;

namespace Bench.Suites;

/// <summary>The <c>suites</c> verb: every BenchmarkDotNet class in this assembly, through BenchmarkDotNet's switcher.</summary>
public static class SuiteRunner
{
    /// <summary>Runs the switcher with BenchmarkDotNet's own arguments (--filter, --job, --list flat, ...).</summary>
    public static int Run(string[] args)
    {
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(SuiteRunner).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }
}
