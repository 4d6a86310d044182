using Implementation.Trace;
using Model.Workload;
using Native.Compiler;

namespace Implementation.Tests;

/// <summary>Helpers shared by the test classes.</summary>
internal static class TestWorkloads
{
    public static RunResult Run(string text, int procs = 1, bool trace = false, bool sysmon = true, TimeSpan? timeout = null)
        => GoRuntime.Run(WorkloadParser.Parse(text),
            new RuntimeOptions { Procs = procs, Trace = trace, Sysmon = sysmon, Timeout = timeout ?? TimeSpan.FromSeconds(30) });

    public static RunResult Run(string text, RuntimeOptions options) => GoRuntime.Run(WorkloadParser.Parse(text), options);

    /// <summary>The goids in the order they were started (GoStart events).</summary>
    public static List<long> StartOrder(RunResult r)
        => r.Trace!.Where(e => e.Kind == EventKind.GoStart).Select(e => e.G).ToList();

    public static IEnumerable<TraceEvent> Events(RunResult r, EventKind kind) => r.Trace!.Where(e => e.Kind == kind);

    /// <summary>A Sched for driving the queue functions directly (no thread runs).</summary>
    public static Sched NewSched(int procs = 1, bool trace = false, string text = "main { }")
    {
        var compiled = WorkloadCompiler.Compile(WorkloadParser.Parse(text), Sched.Services);
        return new Sched(compiled, new RuntimeOptions { Procs = procs, Trace = trace });
    }
}
