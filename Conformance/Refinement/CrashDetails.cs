using System.Collections.Immutable;

namespace Conformance.Refinement;

/// <summary>
/// How a worker process running the runtime ended when it crashed or hung: what a crash report shows next to the
/// trace that survived it.
/// </summary>
/// <param name="Status">In words: "killed by SIGSEGV (exit status 139)", "exited with status 3", "killed after 25 s
/// without an answer".</param>
/// <param name="ExitCode">The process's exit code as the OS gave it, when it exited (128 + N for signal N).</param>
/// <param name="Signal">The signal's name when a signal ended it ("SIGSEGV"), else null.</param>
/// <param name="Phase">What the worker was doing: "running the workload" or "checking the trace".</param>
/// <param name="StderrTail">The last lines the worker wrote to stderr during this run (the glibc or CLR message).</param>
/// <param name="Pid">The worker's process id.</param>
/// <param name="AfterRequest">From sending the run to the worker to the verdict.</param>
public sealed record CrashDetails(string Status, int? ExitCode, string? Signal, string Phase, ImmutableArray<string> StderrTail, int Pid, TimeSpan AfterRequest);
