using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Conformance.Campaigns;
using Implementation;
using Model.Workload;

namespace Bench.Suites;

/// <summary>
/// How many trace events per second does refinement checking get through? One controlled run (2 Ps, fixed seed, trace
/// on) of a workload with yields, a nested frame and semaphores is recorded once; each invocation checks that trace
/// against the model (Conformer.Judge: abstraction function + model steps). The "events/s" column divides the events
/// checked by the mean. If the run does not conform, checking stops at the first violation and only the events checked
/// up to it count (the setup prints which).
/// </summary>
[Config(typeof(ConformanceBenchConfig))]
public class ConformanceBench
{
    /// <summary>The workload run and checked.</summary>
    public const string Source = """
        main { go worker; go worker; go worker; acquire done; acquire done; acquire done }
        worker { repeat 20 { yield }; call 256 { yield }; work 100; release done }
        """;

    RunSpec? _spec;
    RunResult? _run;

    /// <summary>Runs the workload once and says how much of its trace the checker gets through.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_spec, _run) = Record();
        var verdict = Conformer.Judge(_spec, _run);
        Console.WriteLine($"// ConformanceBench: {verdict.EventsChecked} of {_run.Trace!.Count} events checked; {verdict.Verdict}");
    }

    internal static (RunSpec Spec, RunResult Run) Record()
    {
        var spec = RunSpec.Of(WorkloadParser.Parse(Source, "conformance-bench"), procs: 2, seed: 1);
        var run = GoRuntime.Run(spec.Workload, Conformer.OptionsFor(spec));
        if (run.Outcome != RunOutcome.Completed || run.Trace is null)
            throw new InvalidOperationException($"ConformanceBench: the run ended {run.Outcome} {run.Message}");
        return (spec, run);
    }

    /// <summary>One refinement check of the recorded trace.</summary>
    [Benchmark]
    public int CheckTrace() => Conformer.Judge(_spec!, _run!).EventsChecked;
}

/// <summary>Adds the events/s column: events checked in one invocation (counted once in the host) over the mean.</summary>
public sealed class ConformanceBenchConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ConformanceBenchConfig() => AddColumn(new ThroughputColumn("events/s", _ =>
    {
        var (spec, run) = ConformanceBench.Record();
        return Conformer.Judge(spec, run).EventsChecked;
    }));
}
