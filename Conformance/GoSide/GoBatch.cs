using System.Globalization;
using Model.Workload;

namespace Conformance.GoSide;

/// <summary>A built vs-go program for a batch of workloads, in its own temporary directory, ready to run each
/// workload (selected by index) under Go's execution tracer.</summary>
public sealed class GoBatch : IDisposable
{
    private GoBatch(GoToolchain go, GoProgram program, string dir, TimeSpan buildTime)
    {
        Go = go;
        Program = program;
        Dir = dir;
        BuildTime = buildTime;
    }

    public GoToolchain Go { get; }
    public GoProgram Program { get; }
    public string Dir { get; }
    public TimeSpan BuildTime { get; }

    /// <summary>Writes and builds the program; null with the compiler's message when the build fails.</summary>
    public static GoBatch? Build(GoToolchain go, IReadOnlyList<Workload> workloads, out string error)
    {
        var program = GoProgramWriter.Write(workloads);
        var dir = Path.Combine(Path.GetTempPath(), $"checker-vs-go-{Environment.ProcessId}-{Guid.NewGuid():n}");
        program.WriteTo(dir);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var failure = go.Build(dir);
        if (failure is not null)
        {
            error = failure;
            return null;
        }
        error = "";
        return new GoBatch(go, program, dir, sw.Elapsed);
    }

    /// <summary>Runs workload <paramref name="k"/> on <paramref name="procs"/> Ps. <paramref name="phase"/> is the
    /// schedtick phase to bring P0 to before the workload (one P; -1 to leave it).</summary>
    public GoRun Run(int k, int procs, int phase, int watchdogMs = 250)
    {
        var tracePath = Path.Combine(Dir, $"trace-{k}-{procs}-{Guid.NewGuid():n}.out");
        var env = new Dictionary<string, string>
        {
            ["GOMAXPROCS"] = procs.ToString(CultureInfo.InvariantCulture),
            ["GOTRACEBACK"] = "all",
            ["GOGC"] = "off",
            // The model's preemption is Go's cooperative one (before 1.14): sysmon's request reaches the g at a checked
            // prologue. Go 1.19's asynchronous preemption (a signal that stops a g anywhere, a work loop included) is
            // not modelled, so it is turned off; a GoPreempt in the trace is then the cooperative kind.
            ["GODEBUG"] = "asyncpreemptoff=1",
        };
        var r = GoToolchain.Run(Path.Combine(Dir, "prog"),
            [k.ToString(CultureInfo.InvariantCulture), tracePath, phase.ToString(CultureInfo.InvariantCulture), watchdogMs.ToString(CultureInfo.InvariantCulture)],
            Dir, TimeSpan.FromSeconds(60), env);
        GoTrace? trace = null;
        string? traceError = null;
        try
        {
            if (File.Exists(tracePath)) trace = GoTraceReader.ReadFile(tracePath);
            else traceError = "the program wrote no trace";
        }
        catch (GoTraceException e)
        {
            traceError = e.Message;
        }
        finally
        {
            try { File.Delete(tracePath); } catch (IOException) { }
        }
        return new GoRun { Workload = k, Procs = procs, Process = r, Trace = trace, TraceError = traceError };
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
