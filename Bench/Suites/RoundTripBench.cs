using BenchmarkDotNet.Attributes;
using Bench.Stubs;

namespace Bench.Suites;

/// <summary>How much does C# → goroutine → C# cost? entry (gogo) into a goroutine that mcalls straight back.</summary>
public class RoundTripBench
{
    const int RoundTrips = 10_000;
    StubHarness? _harness;

    /// <summary>Emits the stubs and the body once.</summary>
    [GlobalSetup]
    public void Setup() => _harness = new StubHarness();

    /// <summary>Frees the goroutines and code.</summary>
    [GlobalCleanup]
    public void Cleanup() => _harness?.Dispose();

    /// <summary>One round trip per operation.</summary>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public TimeSpan EntryMcall() => _harness!.RoundTrip(RoundTrips);
}
