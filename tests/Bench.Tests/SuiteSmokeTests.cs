using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bench.Tests;

/// <summary>Runs every BenchmarkDotNet class in Bench once, with a dry in-process job: it builds, sets up, runs, cleans up.</summary>
public class SuiteSmokeTests
{
    public static TheoryData<string> SuiteNames()
    {
        var data = new TheoryData<string>();
        foreach (var t in SuiteTypes()) data.Add(t.FullName!);
        return data;
    }

    static IEnumerable<Type> SuiteTypes() =>
        typeof(Bench.Suites.SuiteRunner).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    [Fact]
    public void Bench_has_the_suites_the_issue_asks_for_so_far()
    {
        var names = SuiteTypes().Select(t => t.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "SwitchBench", "RoundTripBench", "SystemstackBench", "DotNetHandOffBench", "GoschedBench", "SpawnExitBench",
            "PingPongBench", "StealBench", "ModelCheckerBench", "ConformanceBench",
        }, names);
    }

    [Theory]
    [MemberData(nameof(SuiteNames))]
    public void Each_suite_runs_once_with_a_dry_in_process_job(string typeName)
    {
        var type = typeof(Bench.Suites.SuiteRunner).Assembly.GetType(typeName)!;
        var artifacts = Path.Combine(Path.GetTempPath(), "checker-bench-tests", Guid.NewGuid().ToString("N"));
        var logger = new AccumulationLogger();
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
            .AddLogger(logger)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.DisableLogFile)
            .WithArtifactsPath(artifacts);
        try
        {
            var summary = BenchmarkRunner.Run(type, config);
            Assert.False(summary.HasCriticalValidationErrors, $"{typeName}: validation errors\n{logger.GetLog()}");
            Assert.NotEmpty(summary.Reports);
            foreach (var report in summary.Reports)
            {
                Assert.True(report.Success, $"{report.BenchmarkCase.DisplayInfo} failed\n{logger.GetLog()}");
                Assert.NotEmpty(report.AllMeasurements);
            }
        }
        finally
        {
            if (Directory.Exists(artifacts)) Directory.Delete(artifacts, recursive: true);
        }
    }
}
