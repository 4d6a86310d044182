using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Bench.Suites;

/// <summary>
/// A BenchmarkDotNet column "units per second" for benchmarks whose invocation does a number of units (distinct states,
/// trace events) that is only known by running it. The count is computed once per case in the host process by
/// <c>countUnits</c> (the runs it repeats are deterministic), then divided by the measured mean.
/// </summary>
public sealed class ThroughputColumn(string name, Func<BenchmarkCase, double> countUnits) : IColumn
{
    readonly ConcurrentDictionary<string, double> _units = new();

    /// <inheritdoc/>
    public string Id => nameof(ThroughputColumn) + "." + name;
    /// <inheritdoc/>
    public string ColumnName => name;
    /// <inheritdoc/>
    public bool AlwaysShow => true;
    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;
    /// <inheritdoc/>
    public int PriorityInCategory => 0;
    /// <inheritdoc/>
    public bool IsNumeric => true;
    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;
    /// <inheritdoc/>
    public string Legend => $"{name}: units done by one invocation divided by its mean time";

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not double ns || ns <= 0) return "NA";
        var units = _units.GetOrAdd(benchmarkCase.DisplayInfo, _ => countUnits(benchmarkCase));
        return PerSecond(units / (ns * 1e-9));
    }

    /// <summary>1234567 → "1.23 M/s".</summary>
    public static string PerSecond(double v) => v switch
    {
        >= 1e9 => (v / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G/s",
        >= 1e6 => (v / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M/s",
        >= 1e3 => (v / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " k/s",
        _ => v.ToString("0.0", CultureInfo.InvariantCulture) + " /s",
    };

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;
}
