using System.Runtime.InteropServices;
using Conformance.Campaigns;
using Implementation;

namespace Conformance.Isolation;

/// <summary>
/// The worker process's loop (the hidden verb <c>checker worker --trace FILE --parent PID</c>): say hello, then for
/// every run request on stdin run the workload on the runtime with its trace recorded into the shared file, say
/// "ran", check the trace against the model, and send the verdict on stdout. It leaves when stdin closes, when its
/// parent is gone, and after a run that left a thread behind (the checker then starts a fresh one). Nothing else is
/// written to stdout: the console's output goes to stderr.
/// </summary>
public static class WorkerMain
{
    public static int Run(string traceFile, int parent)
    {
        var stdout = Console.OpenStandardOutput();
        var stdin = Console.OpenStandardInput();
        Console.SetOut(Console.Error);
        NoCoreDumps();
        using var trace = SharedTraceFile.Open(traceFile);
        WatchParent(parent);
        WorkerProtocol.WriteFrame(stdout, FrameType.Hello, WorkerProtocol.Hello(Replay.BuildId.Current, Environment.ProcessId));
        while (true)
        {
            var frame = WorkerProtocol.ReadFrame(stdin);
            if (frame.IsEnd) return 0;
            if (frame.Type != FrameType.Run) throw new InvalidDataException($"worker: unexpected {frame.Type} frame");
            var (runId, spec) = WorkerProtocol.ReadRun(frame.Payload);
            trace.Region.Reset(runId);
            RuntimeOptions options;
            try
            {
                options = Conformer.OptionsFor(spec) with { TraceRegion = trace.Region, TraceCapacityPerM = trace.Region.SlotCapacity };
            }
            catch (Exception e)
            {
                // A request this build cannot run (a mutant it does not have): the checker's mistake, not the runtime's.
                WorkerProtocol.WriteFrame(stdout, FrameType.Error, WorkerProtocol.Error(runId, "request", e.ToString()));
                continue;
            }
            RunResult run;
            try
            {
                run = GoRuntime.Run(spec.Workload, options);
            }
            catch (Exception e)
            {
                // The runtime threw out of Run: its state is unknown, so this process is done after saying so.
                WorkerProtocol.WriteFrame(stdout, FrameType.Error, WorkerProtocol.Error(runId, "run", e.ToString()));
                return 0;
            }
            WorkerProtocol.WriteFrame(stdout, FrameType.Ran, WorkerProtocol.Ran(runId, run.Trace?.Count ?? 0));
            Refinement.CheckResult result;
            try
            {
                result = Conformer.Judge(spec, run);
            }
            catch (Exception e)
            {
                WorkerProtocol.WriteFrame(stdout, FrameType.Error, WorkerProtocol.Error(runId, "check", e.ToString()));
                return 0;
            }
            var recycle = run.ThreadsLeftBehind;
            WorkerProtocol.WriteFrame(stdout, FrameType.Result, WorkerProtocol.Result(runId, result, withTrace: trace.Region.Overflowed, recycle));
            if (recycle) return 0;
        }
    }

    /// <summary>Exits when the parent process is gone (this process was re-parented), so that a worker stuck in a
    /// hung run never outlives the checker that started it.</summary>
    private static void WatchParent(int parent)
    {
        if (parent <= 0) return;
        var t = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(500);
                if (ParentPid() is { } p && p != parent) Environment.Exit(3);
            }
        }) { IsBackground = true, Name = "parent watch" };
        t.Start();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [DllImport("libc.so.6", EntryPoint = "setrlimit")]
    private static extern int SetRLimit(int resource, ref RLimit limit);

    /// <summary>A crashing runtime is the expected case here: no core file (the verdict would wait for it to be
    /// written, and the trace that matters is in the shared region). Debug a crash with --in-process instead.</summary>
    private static void NoCoreDumps()
    {
        const int RlimitCore = 4;
        var none = new RLimit();
        try { _ = SetRLimit(RlimitCore, ref none); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    private static int? ParentPid()
    {
        try
        {
            // /proc/self/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'.
            var stat = File.ReadAllText("/proc/self/stat");
            var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(rest[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
