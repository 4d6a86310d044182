using Model.Workload;
using Native;
using Native.Compiler;

namespace Implementation;

/// <summary>
/// The native M:N runtime's front door: compile a workload to x86-64, run it on GOMAXPROCS Ps over dedicated M
/// threads as Go 1.19 schedules, and report what happened. Used by `checker run`, Conformance and Bench.
/// </summary>
public static class GoRuntime
{
    /// <summary>
    /// Runs <paramref name="workload"/> (well-formed: see <see cref="WorkloadValidator"/>; otherwise
    /// ArgumentException). Never throws for what the workload does: deadlocks and fatal errors are outcomes.
    /// </summary>
    public static RunResult Run(Workload workload, RuntimeOptions? options = null)
    {
        options ??= new RuntimeOptions();
        var compiled = WorkloadCompiler.Compile(workload, Sched.Services, StubSet.Get(options.EffectiveStubs));
        var sched = new Sched(compiled, options);
        var result = sched.Run();
        if (sched.JoinedCleanly)
        {
            sched.Dispose();
            compiled.Dispose();
        }
        // Otherwise a thread is still inside goroutine code: its stack and code must stay mapped (leaked on purpose).
        return sched.JoinedCleanly ? result : result with { ThreadsLeftBehind = true };
    }
}
