using BenchmarkDotNet.Attributes;
using Model;
using Model.Checking;
using Model.Workload;

namespace Bench.Suites;

/// <summary>
/// How many distinct states per second does the model checker explore? Breadth-first search of the scheduler model
/// (Model.SchedModel): main starts three workers that yield twice and release a semaphore, on 2 Ps, explored
/// exhaustively. The checker's counts do not depend on the thread count, so one operation is one of the
/// <see cref="States"/> distinct states (states/s = 10⁹ / the ns column). If the model changes, the setup says the new count.
/// </summary>
public class ModelCheckerBench
{
    /// <summary>Distinct states of the workload on 2 Ps (measured; the setup checks it).</summary>
    public const int States = 78_168;

    /// <summary>Checker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    SchedModel? _model;

    /// <summary>Builds the model once and checks the state count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _model = new SchedModel(WorkloadParser.Parse("""
            main { go worker; go worker; go worker; acquire done; acquire done; acquire done }
            worker { repeat 2 { yield }; release done }
            """, "model-bench"), new SchedConfig { Procs = 2 });
        var probe = Check();
        if (probe.Distinct != States || !probe.Exhausted)
            throw new InvalidOperationException(
                $"ModelCheckerBench.States is {States} but the model now has {probe.Distinct} distinct states (exhausted: {probe.Exhausted}); update the constant");
    }

    CheckResult<SchedState, SchedAction> Check() =>
        new BfsChecker<SchedState, SchedAction>(_model!, new CheckerOptions { Threads = Threads, StopAtFirstViolation = false }).Run();

    /// <summary>One distinct state per operation.</summary>
    [Benchmark(OperationsPerInvoke = States)]
    public long DistinctStates() => Check().Distinct;
}
