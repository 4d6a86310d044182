using Model;
using Model.Checking;
using Model.Workload;

namespace Bench.Suites;

/// <summary>
/// The model checker's throughput on the README's workload (a benchmark, not part of the specification): distinct
/// states per second of an exhaustive search of <see cref="Workload"/> (ARCHITECTURE.md's example, workloads/example.wl)
/// on two Ps with sysmon, which has 4,125,094 reachable states. <c>checker explore workloads/example.wl --procs 2</c>
/// measures the same search from the command line.
/// </summary>
public static class SchedThroughput
{
    /// <summary>The measured workload: workloads/example.wl.</summary>
    public const string Workload = """
        main {
          go worker
          go worker
          acquire done
          acquire done
        }
        worker {
          repeat 3 { yield }
          call 256 { yield }
          syscall 20
          work 1000
          release done
        }
        """;

    /// <summary>Its configuration: 2 Ps, sysmon on (syscalls may exit fast or slow), growing stacks.</summary>
    public static readonly SchedConfig Config = new() { Procs = 2, Sysmon = true };

    /// <summary>The number of distinct reachable states of <see cref="Workload"/> under <see cref="Config"/>.</summary>
    public const long ReachableStates = 4_125_094;

    /// <summary>Explores the whole state space and returns the result (distinct states, states/s, time).</summary>
    public static ExploreResult<SchedState, SchedAction> Measure(int threads = 1, bool symmetry = false)
    {
        var model = new SchedModel(WorkloadParser.Parse(Workload), Config with { Symmetry = symmetry });
        return new BfsChecker<SchedState, SchedAction>(model, new CheckerOptions { Threads = threads }).Run();
    }
}
