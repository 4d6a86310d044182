using System.Diagnostics;

namespace Conformance.GoSide;

/// <summary>
/// Finds Debian's Go 1.19 toolchain (golang-go), installing it with <c>scripts/install-peers.sh go</c> when missing and
/// allowed, and builds and runs vs-go programs: <c>go build</c> with no network (GOPROXY=off, GOFLAGS=-mod=mod,
/// CGO_ENABLED=0) and a build cache under the system temp directory.
/// </summary>
public sealed class GoToolchain
{
    private GoToolchain(string go, string version)
    {
        Go = go;
        Version = version;
    }

    public string Go { get; }
    /// <summary>"go1.19.8", say.</summary>
    public string Version { get; }

    /// <summary>The build cache shared by every vs-go build of this user.</summary>
    public static string CacheDir => Path.Combine(Path.GetTempPath(), "checker-vs-go-cache");

    /// <summary>The toolchain, or null with the reason it is not there (not installed, not Go 1.19, the install failed).</summary>
    public static GoToolchain? Find(bool install, out string reason)
    {
        var go = Locate();
        if (go is null && install)
        {
            var script = FindScript();
            if (script is null) { reason = "go is not installed and scripts/install-peers.sh was not found"; return null; }
            var r = Run("bash", [script, "go"], null, TimeSpan.FromMinutes(10));
            go = Locate();
            if (go is null)
            {
                reason = $"go is not installed, and scripts/install-peers.sh go could not install it (exit {r.ExitCode}: {FirstLine(r.StdErr + r.StdOut)})";
                return null;
            }
        }
        if (go is null) { reason = "go is not installed (Debian: apt-get install golang-go, or scripts/install-peers.sh go)"; return null; }
        var v = Run(go, ["version"], null, TimeSpan.FromSeconds(30));
        var version = v.StdOut.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(2) ?? "";
        if (v.ExitCode != 0 || !version.StartsWith("go1.19", StringComparison.Ordinal))
        {
            reason = $"{go} is '{v.StdOut.Trim()}', not Go 1.19 (the trace format and the runtime the model follows are 1.19's)";
            return null;
        }
        reason = "";
        return new GoToolchain(go, version);
    }

    private static string? Locate()
    {
        foreach (var candidate in new[] { "/usr/lib/go-1.19/bin/go", "/usr/bin/go", "/usr/lib/go/bin/go" })
            if (File.Exists(candidate)) return candidate;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, "go"))) return Path.Combine(dir, "go");
        return null;
    }

    private static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var s = Path.Combine(dir.FullName, "scripts", "install-peers.sh");
            if (File.Exists(s)) return s;
        }
        return null;
    }

    /// <summary>Builds the program in <paramref name="dir"/> into <paramref name="dir"/>/prog; returns the compiler's
    /// output on failure.</summary>
    public string? Build(string dir)
    {
        var r = Run(Go, ["build", "-o", "prog", "."], dir, TimeSpan.FromMinutes(10), BuildEnv());
        return r.ExitCode == 0 ? null : $"go build failed (exit {r.ExitCode}):\n{r.StdErr}{r.StdOut}";
    }

    private static Dictionary<string, string> BuildEnv() => new()
    {
        ["GOCACHE"] = CacheDir,
        ["GOFLAGS"] = "-mod=mod",
        ["GOPROXY"] = "off",
        ["GO111MODULE"] = "on",
        ["CGO_ENABLED"] = "0",
        ["GOPATH"] = Path.Combine(CacheDir, "gopath"),
    };

    /// <summary>The result of running a process.</summary>
    public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr, bool TimedOut, TimeSpan Elapsed);

    public static ProcessResult Run(string file, IEnumerable<string> args, string? cwd, TimeSpan timeout, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (cwd is not null) psi.WorkingDirectory = cwd;
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var timedOut = !p.WaitForExit(timeout);
        if (timedOut)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit();
        }
        return new ProcessResult(timedOut ? -1 : p.ExitCode, stdout.Result, stderr.Result, timedOut, sw.Elapsed);
    }

    private static string FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "";
}
