namespace Conformance.Isolation;

/// <summary>Turns a process's exit code into words: on Linux a process killed by signal N is reported as 128 + N
/// (by the shell and by .NET's Process.ExitCode), and some hosts report -N.</summary>
public static class ExitStatus
{
    private static readonly string?[] Names =
    [
        null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The signal an exit code stands for (128 + N or -N), or null when it is an ordinary exit.</summary>
    public static string? Signal(int exitCode)
    {
        var n = exitCode > 128 && exitCode < 128 + 65 ? exitCode - 128 : exitCode < 0 && exitCode > -65 ? -exitCode : 0;
        if (n == 0) return null;
        return n < Names.Length ? Names[n] : $"signal {n}";
    }

    /// <summary>"killed by SIGSEGV (exit status 139)" or "exited with status 3".</summary>
    public static string Describe(int exitCode) =>
        Signal(exitCode) is { } sig ? $"killed by {sig} (exit status {exitCode})" : $"exited with status {exitCode}";
}
