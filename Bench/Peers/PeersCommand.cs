using Bench.Rendering;

namespace Bench.Peers;

/// <summary>
/// The <c>peers</c> verb: builds and runs every peer, measures ours, and prints one table (or JSON), writing
/// peers.md, peers.svg and peers.json for the README. Progress goes to stderr, the result to stdout.
/// </summary>
public static class PeersCommand
{
    /// <summary>Goroutines parked for the memory figures, as in the issue (100,000).</summary>
    public const int ParkedCount = 100_000;

    /// <summary>Runs the verb; returns the process exit code (0, or 2 for bad usage).</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        PeersOptions options;
        try
        {
            options = PeersOptions.Parse(args, RepoPaths.FindRoot() is string root ? Path.Combine(root, "Bench", "results") : null);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine("peers: " + e.Message);
            stderr.WriteLine(PeersOptions.Usage);
            return 2;
        }

        var tools = EnsureTools(options.Install, stderr);
        var programs = new PeerPrograms(tools, RepoPaths.PeerSources(), PeerPrograms.DefaultBuildDir());
        var report = Measure(options.Quick, tools, programs, stderr);

        if (options.OutDir is string dir)
        {
            var files = Write(report, dir);
            stderr.WriteLine($"peers: wrote {string.Join(", ", files)}");
        }
        stdout.Write(options.Json ? JsonRenderer.Render(report) + "\n" : TableRenderer.Text(report));
        return 0;
    }

    /// <summary>Writes peers.md, peers.svg and peers.json into <paramref name="dir"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(ComparisonReport report, string dir)
    {
        Directory.CreateDirectory(dir);
        var svg = Path.Combine(dir, "peers.svg");
        var md = Path.Combine(dir, "peers.md");
        var json = Path.Combine(dir, "peers.json");
        File.WriteAllText(svg, SvgChart.Render(report));
        File.WriteAllText(md, TableRenderer.Markdown(report, "peers.svg"));
        File.WriteAllText(json, JsonRenderer.Render(report) + "\n");
        return [md, svg, json];
    }

    static Toolchain EnsureTools(bool install, TextWriter stderr)
    {
        var tools = Toolchain.Detect();
        var missing = tools.MissingPackages;
        if (missing.Count == 0) return tools;
        var script = RepoPaths.InstallScript();
        var command = $"sudo apt-get update && sudo apt-get install -y --no-install-recommends {string.Join(' ', missing)}";
        if (!install || !IsRoot())
        {
            stderr.WriteLine($"peers: missing {string.Join(", ", missing)}; their peers will read n/a. To install them run:");
            stderr.WriteLine($"  sudo bash {script}    (or: {command})");
            return tools;
        }
        stderr.WriteLine($"peers: installing {string.Join(", ", missing)} with {script}");
        try
        {
            var r = ProcessRunner.Run("bash", [script], TimeSpan.FromMinutes(10));
            stderr.Write(r.StdOut);
            stderr.Write(r.StdErr);
            if (r.ExitCode != 0) stderr.WriteLine($"peers: {script} exited {r.ExitCode}; try: {command}");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            stderr.WriteLine($"peers: could not run {script}: {e.Message}; try: {command}");
        }
        return Toolchain.Detect();
    }

    static bool IsRoot() => Environment.UserName == "root";

    /// <summary>Measures every row, in the order of the table.</summary>
    public static ComparisonReport Measure(bool quick, Toolchain tools, PeerPrograms programs, TextWriter progress)
    {
        // Sizes: the full run aims at a few seconds per figure on a 2-core machine, --quick at well under one.
        var switchIters = quick ? 2_000_000L : 20_000_000L;
        var goN = quick ? 200_000 : 1_000_000;
        var reps = quick ? 3 : 7;
        var dotnetYieldN = quick ? 200_000 : 1_000_000;
        var handOffN = quick ? 50_000 : 200_000;
        var spawnN = quick ? 50_000 : 200_000;

        Measurement Step(string what, Func<Measurement> f)
        {
            progress.Write($"peers: {what} ... ");
            var m = f();
            progress.WriteLine(m.Value is double v ? v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) : m.Note);
            return m;
        }
        Measurement InProcess(string what, Func<double> f) => Step(what, () => Measurement.Try(f));

        var rows = new List<ComparisonRow>
        {
            new("switch", "ns",
                "one stack switch between two contexts, no scheduler: ours is Native's switch_to (gosave + gogo); " +
                "c-minimal saves the callee-saved registers, swaps rsp and jumps; boost-context is jump_fcontext",
                Step("switch: ours", () => OursProbes.Switch(quick)),
                [
                    new("c-minimal", Step("switch: c-minimal", () => programs.MinimalSwitch(switchIters, reps))),
                    new("boost-context", Step("switch: boost-context", () => programs.BoostContextSwitch(switchIters, reps))),
                ]),
            new("roundtrip", "ns",
                "C# on g0 → goroutine → C#: entry (gogo) into a goroutine that mcalls straight back; the fixed cost of " +
                "every trip through the scheduler loop. No peer has this split",
                Step("roundtrip: ours", () => OursProbes.RoundTrip(quick)), []),
            new("systemstack", "ns",
                "goroutine → systemstack → an [UnmanagedCallersOnly] C# no-op on g0 → back; how goroutine code reaches " +
                "runtime services written in C#. No peer has this split",
                Step("systemstack: ours", () => OursProbes.Systemstack(quick)), []),
            new("gosched", "ns",
                "one yield through the scheduler with two runnable goroutines on one P (GOMAXPROCS=1): " +
                "runtime.Gosched for ours and go; await Task.Yield() on a single-threaded SynchronizationContext for dotnet-yield",
                Step("gosched: ours", () => OursProbes.Gosched(quick)),
                [
                    new("go", Step("gosched: go", () => programs.Go("gosched", goN, reps))),
                    new("dotnet-yield", InProcess("gosched: dotnet-yield", () => DotNetPeers.TaskYield(dotnetYieldN, reps))),
                ]),
            new("spawn-exit", "ns",
                "create a goroutine, run it and let it exit, in batches of 1000 (GOMAXPROCS=1 for go); " +
                "dotnet-taskrun is Task.Run of an empty delegate on the thread pool",
                Step("spawn-exit: ours", () => OursProbes.SpawnExit(quick)),
                [
                    new("go", Step("spawn-exit: go", () => programs.Go("spawn-exit", goN, reps))),
                    new("dotnet-taskrun", InProcess("spawn-exit: dotnet-taskrun", () => DotNetPeers.TaskRunSpawn(spawnN, reps))),
                ]),
            new("pingpong", "ns",
                "one hand-off of a token between two goroutines (a round trip is two): ours is release/acquire on one P; " +
                "go is an unbuffered channel (GOMAXPROCS=1); the dotnet ones hand off between two threads (SemaphoreSlim, " +
                "ManualResetEventSlim) or two thread-pool async loops (Channel<T>)",
                Step("pingpong: ours", () => OursProbes.PingPong(quick)),
                [
                    new("go", Step("pingpong: go", () => programs.Go("pingpong", goN, reps))),
                    new("dotnet-semaphoreslim", InProcess("pingpong: dotnet-semaphoreslim", () => DotNetPeers.SemaphoreSlimHandOff(handOffN, reps))),
                    new("dotnet-mres", InProcess("pingpong: dotnet-mres", () => DotNetPeers.ManualResetEventSlimHandOff(handOffN, reps))),
                    new("dotnet-channel", InProcess("pingpong: dotnet-channel", () => DotNetPeers.ChannelPingPong(handOffN, reps))),
                ]),
            new("bytes-per-parked-goroutine", "bytes",
                $"resident set growth per blocked goroutine, {ParkedCount:#,0} of them parked at once (ours in acquire, go in a " +
                "channel receive); dotnet-async is an async method awaiting an uncompleted task. Each in a fresh process",
                Step("bytes-per-parked-goroutine: ours", () => OursProbes.CanMeasureMemory
                    ? SelfProcess.Memory("ours", ParkedCount) : OursProbes.BytesPerParked(ParkedCount)),
                [
                    new("go", Step("bytes-per-parked-goroutine: go", () => programs.Go("bytes-per-parked-goroutine", ParkedCount, 1))),
                    new("dotnet-async", Step("bytes-per-parked-goroutine: dotnet-async", () => SelfProcess.Memory("dotnet-async", ParkedCount))),
                ]),
        };
        return new ComparisonReport(MachineInfo.Describe(tools), rows, quick, DateTimeOffset.UtcNow);
    }
}
