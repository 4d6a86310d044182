using BenchmarkDotNet.Attributes;
using Bench.Stubs;

namespace Bench.Suites;

/// <summary>How much does goroutine code pay to run C# on g0? systemstack into an [UnmanagedCallersOnly] no-op and back.</summary>
public class SystemstackBench
{
    const int Calls = 10_000;
    StubHarness? _harness;

    /// <summary>Emits the stubs and the body once.</summary>
    [GlobalSetup]
    public void Setup() => _harness = new StubHarness();

    /// <summary>Frees the goroutines and code.</summary>
    [GlobalCleanup]
    public void Cleanup() => _harness?.Dispose();

    /// <summary>One systemstack call per operation.</summary>
    [Benchmark(OperationsPerInvoke = Calls)]
    public TimeSpan SystemstackIntoCSharp() => _harness!.Systemstack(Calls);
}
