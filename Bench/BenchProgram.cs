using Bench.Peers;

namespace Bench;

/// <summary>Verb dispatch for the Bench program.</summary>
public static class BenchProgram
{
    const string Usage =
        "usage: dotnet run --project Bench -c Release -- <verb>\n" +
        "  peers [--quick] [--json] [--out DIR]   compare with Go, .NET and the C/C++ switches; one table and chart\n" +
        "  suites [BenchmarkDotNet options]       run the BenchmarkDotNet suites (e.g. suites --filter '*Switch*')\n" +
        "  native                                 quick measurement of Native's stubs (NativeQuick)\n" +
        "  memory ours|dotnet-async [count]       bytes per parked goroutine, measured in this process";

    /// <summary>Runs a verb; returns the exit code (2 for bad usage).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var rest = args[1..];
        switch (args[0])
        {
            case "peers": return PeersCommand.Run(rest, stdout, stderr);
            case "suites": return Suites.SuiteRunner.Run(rest);
            case "memory": return SelfProcess.RunVerb(rest, stdout, stderr);
            case "native":
                if (rest.Length != 0)
                {
                    stderr.WriteLine("usage: native (no options)");
                    return 2;
                }
                NativeQuick.Run(stdout);
                return 0;
            default:
                stderr.WriteLine($"bench: unknown verb '{args[0]}'");
                stderr.WriteLine(Usage);
                return 2;
        }
    }
}
