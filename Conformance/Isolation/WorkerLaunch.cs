using System.Diagnostics;

namespace Conformance.Isolation;

/// <summary>
/// How to start a worker: the same <c>checker</c> program with the hidden verb <c>worker</c>. Under a dotnet host
/// (<c>dotnet run</c>, <c>dotnet checker.dll</c>, the test host) it is <c>dotnet exec checker.dll worker</c> with
/// checker's own runtimeconfig and deps files; when the checker runs as its apphost, that apphost.
/// </summary>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>The launch for this process's checker assembly.</summary>
    public static WorkerLaunch Current { get; } = Find();

    private static WorkerLaunch Find()
    {
        var dll = typeof(WorkerLaunch).Assembly.Location;
        if (string.IsNullOrEmpty(dll) || !File.Exists(dll))
            throw new InvalidOperationException("cannot start worker processes: the checker assembly has no file (single-file publish?); use --in-process");
        var dir = Path.GetDirectoryName(dll)!;
        var name = Path.GetFileNameWithoutExtension(dll);
        var process = Environment.ProcessPath;

        // Running as the apphost itself: start the same program.
        if (process is not null && Path.GetFileNameWithoutExtension(process) == name && !process.EndsWith(".dll", StringComparison.Ordinal))
            return new WorkerLaunch(process, ["worker"]);

        var host = DotnetHost(process);
        if (host is not null)
        {
            var args = new List<string> { "exec" };
            var config = Path.Combine(dir, name + ".runtimeconfig.json");
            var deps = Path.Combine(dir, name + ".deps.json");
            if (File.Exists(config)) args.AddRange(["--runtimeconfig", config]);
            if (File.Exists(deps)) args.AddRange(["--depsfile", deps]);
            args.AddRange([dll, "worker"]);
            return new WorkerLaunch(host, args);
        }
        var apphost = Path.Combine(dir, name);
        if (File.Exists(apphost)) return new WorkerLaunch(apphost, ["worker"]);
        throw new InvalidOperationException($"cannot start worker processes: no dotnet host found (set DOTNET_HOST_PATH) and no apphost next to {dll}; use --in-process");
    }

    private static string? DotnetHost(string? process)
    {
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h)) return h;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "dotnet");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>The start info of a worker with these extra arguments (the trace file and the parent's pid).</summary>
    public ProcessStartInfo StartInfo(params string[] extra)
    {
        var info = new ProcessStartInfo(FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in Arguments) info.ArgumentList.Add(a);
        foreach (var a in extra) info.ArgumentList.Add(a);
        // The worker prints nothing for people: no colours, no terminal probing.
        info.Environment["NO_COLOR"] = "1";
        // A worker JITs the runtime and the checker again. Tiered PGO's instrumented code costs more than its better
        // final code pays back in a campaign of seconds to minutes (measured: `check --count 400` takes about a third
        // less time and CPU without it); an explicit setting in the environment wins.
        if (Environment.GetEnvironmentVariable("DOTNET_TieredPGO") is null) info.Environment["DOTNET_TieredPGO"] = "0";
        return info;
    }
}
