namespace Bench.Peers;

/// <summary>
/// Runs this program's hidden <c>memory</c> verb in a child process, so that a resident-set figure starts from a fresh
/// process's baseline and not from whatever earlier measurements left resident.
/// </summary>
public static class SelfProcess
{
    /// <summary>Bytes per parked goroutine (or async method) of <paramref name="which"/>, measured in a child process.</summary>
    public static double Memory(string which, int count)
    {
        var (file, args) = Command(["memory", which, count.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        var stdout = ProcessRunner.RunChecked(file, args, TimeSpan.FromMinutes(2));
        return ProcessRunner.ParseResult(stdout, "bytes-per-parked-goroutine");
    }

    static (string File, string[] Args) Command(string[] args)
    {
        var dll = typeof(SelfProcess).Assembly.Location;
        var apphost = Path.Combine(Path.GetDirectoryName(dll)!, Path.GetFileNameWithoutExtension(dll));
        if (File.Exists(apphost)) return (apphost, args);
        return (Environment.ProcessPath is string host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet",
            [dll, .. args]);
    }

    /// <summary>The <c>memory</c> verb itself: prints "RESULT bytes-per-parked-goroutine N bytes".</summary>
    public static int RunVerb(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count is < 1 or > 2 || (args.Count == 2 && !int.TryParse(args[1], out _)))
        {
            stderr.WriteLine("usage: memory ours|dotnet-async [count]");
            return 2;
        }
        var count = args.Count == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : PeersCommand.ParkedCount;
        var m = args[0] switch
        {
            "ours" => Measurement.Try(() => OursProbes.BytesPerParkedHere(count)),
            "dotnet-async" => Measurement.Try(() => DotNetPeers.BytesPerParkedAsync(count)),
            _ => Measurement.Missing($"unknown memory subject '{args[0]}'"),
        };
        if (m.Value is not double v)
        {
            stderr.WriteLine("memory: " + m.Note);
            return 1;
        }
        stdout.WriteLine(FormattableString.Invariant($"RESULT bytes-per-parked-goroutine {v:0.0} bytes"));
        return 0;
    }
}
