using BenchmarkDotNet.Attributes;
using Bench.Stubs;

namespace Bench.Suites;

/// <summary>How much does one native g→g switch cost? switch_to (gosave + gogo) between two goroutines, no C#.</summary>
public class SwitchBench
{
    const int Switches = 100_000;
    StubHarness? _harness;

    /// <summary>Emits the stubs and the bodies once.</summary>
    [GlobalSetup]
    public void Setup() => _harness = new StubHarness();

    /// <summary>Frees the goroutines and code.</summary>
    [GlobalCleanup]
    public void Cleanup() => _harness?.Dispose();

    /// <summary>One switch per operation.</summary>
    [Benchmark(OperationsPerInvoke = Switches)]
    public TimeSpan SwitchTo() => _harness!.Switch(Switches);
}
