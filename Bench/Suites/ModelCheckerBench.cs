using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Model;
using Model.Checking;
using Model.Workload;

namespace Bench.Suites;

/// <summary>
/// How many distinct states per second does the model checker explore? Breadth-first search of the scheduler model
/// (Model.SchedModel): main starts three workers that yield twice and release a semaphore, on 2 Ps, explored
/// exhaustively. One invocation is one whole check; the "states/s" column divides its distinct states by the mean.
/// </summary>
[Config(typeof(ModelCheckerBenchConfig))]
public class ModelCheckerBench
{
    /// <summary>The workload checked.</summary>
    public const string Source = """
        main { go worker; go worker; go worker; acquire done; acquire done; acquire done }
        worker { repeat 2 { yield }; release done }
        """;

    /// <summary>Checker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    SchedModel? _model;

    /// <summary>Builds the model once.</summary>
    [GlobalSetup]
    public void Setup() => _model = NewModel();

    internal static SchedModel NewModel() =>
        new(WorkloadParser.Parse(Source, "model-bench"), new SchedConfig { Procs = 2 });

    internal static ExploreResult<SchedState, SchedAction> Check(SchedModel model, int threads) =>
        new BfsChecker<SchedState, SchedAction>(model, new CheckerOptions { Threads = threads, StopAtFirstViolation = false }).Run();

    /// <summary>One exhaustive check.</summary>
    [Benchmark]
    public long ExhaustiveCheck()
    {
        var r = Check(_model!, Threads);
        return r.Exhausted ? r.Distinct : throw new InvalidOperationException("the model bench's search did not finish: " + r.StoppedBy);
    }
}

/// <summary>Adds the states/s column (the distinct-state count does not depend on the thread count).</summary>
public sealed class ModelCheckerBenchConfig : ManualConfig
{
    /// <summary>Creates the config.</summary>
    public ModelCheckerBenchConfig() =>
        AddColumn(new ThroughputColumn("states/s", _ => ModelCheckerBench.Check(ModelCheckerBench.NewModel(), 1).Distinct));
}
