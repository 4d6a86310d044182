using System.Text.RegularExpressions;

namespace Bench.Peers;

/// <summary>
/// The compilers the peers are built with at run time: Go (Debian's golang-go), gcc and g++, and Boost.Context's headers
/// and library. <c>scripts/install-peers.sh</c> installs whichever is missing.
/// </summary>
public sealed class Toolchain
{
    const string BoostHeader = "/usr/include/boost/context/detail/fcontext.hpp";
    static readonly TimeSpan Quick = TimeSpan.FromSeconds(20);

    public string? Go { get; private init; }
    public string? Gcc { get; private init; }
    public string? Gxx { get; private init; }
    public bool HasBoostContext { get; private init; }
    public string? GoVersion { get; private init; }
    public string? GccVersion { get; private init; }
    public string? BoostVersion { get; private init; }

    /// <summary>The Debian packages still missing, by the names install-peers.sh installs.</summary>
    public IReadOnlyList<string> MissingPackages
    {
        get
        {
            var missing = new List<string>();
            if (Go is null) missing.Add("golang-go");
            if (Gcc is null) missing.Add("gcc");
            if (Gxx is null) missing.Add("g++");
            if (!HasBoostContext) missing.Add("libboost-context-dev");
            return missing;
        }
    }

    /// <summary>Looks the tools up on PATH and asks each for its version.</summary>
    public static Toolchain Detect()
    {
        var go = FindOnPath("go") ?? (File.Exists("/usr/lib/go/bin/go") ? "/usr/lib/go/bin/go" : null);
        var gcc = FindOnPath("gcc");
        var gxx = FindOnPath("g++");
        return new Toolchain
        {
            Go = go,
            Gcc = gcc,
            Gxx = gxx,
            HasBoostContext = File.Exists(BoostHeader),
            GoVersion = go is null ? null : TryVersion(go, ["version"], @"go version (\S+)"),
            GccVersion = gcc is null ? null : TryVersion(gcc, ["-dumpfullversion"], @"(\S+)"),
            BoostVersion = BoostVersionFromHeader(),
        };
    }

    /// <summary>The directories of PATH, searched for an executable called <paramref name="name"/>.</summary>
    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    static string? TryVersion(string tool, string[] args, string pattern)
    {
        try
        {
            var r = ProcessRunner.Run(tool, args, Quick);
            var m = Regex.Match(r.StdOut, pattern);
            return r.ExitCode == 0 && m.Success ? m.Groups[1].Value : null;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    static string? BoostVersionFromHeader()
    {
        const string header = "/usr/include/boost/version.hpp";
        if (!File.Exists(header)) return null;
        var m = Regex.Match(File.ReadAllText(header), "#define BOOST_LIB_VERSION \"([^\"]+)\"");
        return m.Success ? m.Groups[1].Value.Replace('_', '.') : null;
    }
}
