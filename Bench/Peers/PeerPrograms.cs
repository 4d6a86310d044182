using System.Globalization;

namespace Bench.Peers;

/// <summary>
/// Builds the out-of-process peers from <c>peers/</c> with the machine's own compilers into a scratch folder, runs
/// them, and reads their "RESULT" lines. Sources: <c>peers/c/minimal_switch.c</c> (hand-written stack switch),
/// <c>peers/c/boost_context.cpp</c> (Boost.Context's jump_fcontext), <c>peers/c/timerfd_read.c</c> (a timerfd read
/// with no scheduler) and <c>peers/go/main.go</c> (Go's runtime).
/// </summary>
public sealed class PeerPrograms
{
    static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);
    static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    readonly Toolchain _tools;
    readonly string _sources;
    readonly string _buildDir;
    readonly Dictionary<string, string> _goEnv;
    readonly Dictionary<string, Lazy<string>> _built = [];

    /// <param name="tools">The detected compilers.</param>
    /// <param name="sources">The <c>peers</c> folder (copied next to Bench.dll at build time).</param>
    /// <param name="buildDir">Scratch folder for binaries and Go's caches; nothing is written anywhere else.</param>
    public PeerPrograms(Toolchain tools, string sources, string buildDir)
    {
        _tools = tools;
        _sources = sources;
        _buildDir = buildDir;
        Directory.CreateDirectory(buildDir);
        // Keep Go's caches inside the scratch folder, never download a toolchain or a module.
        _goEnv = new()
        {
            ["GOCACHE"] = Path.Combine(buildDir, "gocache"),
            ["GOPATH"] = Path.Combine(buildDir, "gopath"),
            ["GOTOOLCHAIN"] = "local",
            ["GOPROXY"] = "off",
            ["GOFLAGS"] = "",
            ["CGO_ENABLED"] = "0",
        };
    }

    /// <summary>The default scratch folder: a per-user folder under the system temp directory.</summary>
    public static string DefaultBuildDir() =>
        Path.Combine(Path.GetTempPath(), "checker-bench-peers-" + Environment.UserName);

    /// <summary>The minimal hand-written switch: one sample, ns per switch.</summary>
    public Series MinimalSwitch(long iterations) =>
        _tools.Gcc is null ? Missing("c-minimal", "gcc") : Series.Of("c-minimal", () =>
            RunPeer(Build("minimal_switch", () => CompileC(_tools.Gcc, "c/minimal_switch.c", "minimal_switch")),
                "switch", [Str(iterations), "1"]));

    /// <summary>Boost.Context's jump_fcontext: one sample, ns per switch.</summary>
    public Series BoostContextSwitch(long iterations) =>
        _tools.Gxx is null || !_tools.HasBoostContext ? Missing("boost-context", _tools.Gxx is null ? "g++" : "libboost-context-dev") :
        Series.Of("boost-context", () =>
            RunPeer(Build("boost_context", () => CompileC(_tools.Gxx, "c/boost_context.cpp", "boost_context", "-lboost_context")),
                "switch", [Str(iterations), "1"]));

    /// <summary>A timerfd read as <c>io 1</c> makes it, in C with no scheduler (<c>c/timerfd_read.c</c>): one sample, ns
    /// per read.</summary>
    public Series TimerfdRead(long reads) =>
        _tools.Gcc is null ? Missing("c-timerfd", "gcc") : Series.Of("c-timerfd", () =>
            RunPeer(Build("timerfd_read", () => CompileC(_tools.Gcc, "c/timerfd_read.c", "timerfd_read")),
                "io-timerfd", [Str(reads), "1"]));

    /// <summary>One of the Go program's operations (see peers/go/main.go) on GOMAXPROCS=1: one sample, in its own unit,
    /// as the series <paramref name="name"/>. The program warms up on a tenth of the size before the timed run.</summary>
    public Series Go(string operation, long n, string name = "go") =>
        _tools.Go is null ? Missing(name, "golang-go") : Series.Of(name, () =>
            RunPeer(Build("gopeer", BuildGo), operation, ["-op", operation, "-n", Str(n), "-reps", "1", "-procs", "1"]));

    static Series Missing(string name, string package) =>
        Series.Missing(name, $"n/a ({package} missing: run scripts/install-peers.sh)");

    string Build(string name, Func<string> build)
    {
        Lazy<string> lazy;
        lock (_built)
        {
            if (!_built.TryGetValue(name, out lazy!))
                _built[name] = lazy = new Lazy<string>(build);
        }
        return lazy.Value;
    }

    string CompileC(string compiler, string source, string output, params string[] libs)
    {
        var exe = Path.Combine(_buildDir, output);
        ProcessRunner.RunChecked(compiler, ["-O2", "-o", exe, Path.Combine(_sources, source), .. libs], BuildTimeout);
        return exe;
    }

    string BuildGo()
    {
        var exe = Path.Combine(_buildDir, "gopeer");
        ProcessRunner.RunChecked(_tools.Go!, ["build", "-o", exe, "main.go"], BuildTimeout,
            workingDirectory: Path.Combine(_sources, "go"), environment: _goEnv);
        return exe;
    }

    static double RunPeer(string exe, string operation, string[] args) =>
        ProcessRunner.ParseResult(ProcessRunner.RunChecked(exe, args, RunTimeout), operation);

    static string Str(long v) => v.ToString(CultureInfo.InvariantCulture);
}
