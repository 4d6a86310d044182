using Bench.Rendering;
using Bench.Scheduler;
using Bench.Stubs;

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
            // The tracked results (Bench/results, linked from the READMEs) change only with --update-readme; any other
            // run writes into Bench/results/latest, which git ignores, so measuring never dirties the checkout.
            var tracked = args.Contains("--update-readme");
            options = PeersOptions.Parse(args, RepoPaths.FindRoot() is string root
                ? (tracked ? Path.Combine(root, "Bench", "results") : Path.Combine(root, "Bench", "results", "latest"))
                : null);
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine("peers: " + e.Message);
            stderr.WriteLine(PeersOptions.Usage);
            return 2;
        }

        var readme = RepoPaths.FindRoot() is string repo ? Path.Combine(repo, "Bench", "README.md") : null;
        if (options.UpdateReadme && (readme is null || !File.Exists(readme)))
        {
            stderr.WriteLine("peers: --update-readme: no Bench/README.md (run it inside the repository)");
            return 2;
        }

        var tools = EnsureTools(options.Install, stderr);
        var programs = new PeerPrograms(tools, RepoPaths.PeerSources(), PeerPrograms.DefaultBuildDir());
        var report = Measure(options.Quick ? PeerSizes.Quick : PeerSizes.Full, options.Quick, tools, programs, stderr, options.Statistic);

        if (options.OutDir is string dir)
        {
            var files = Write(report, dir);
            stderr.WriteLine($"peers: wrote {string.Join(", ", files)}");
        }
        if (options.UpdateReadme && readme is not null)
        {
            File.WriteAllText(readme, ReadmeSection.Replace(File.ReadAllText(readme), ReadmeSection.Render(report, "results/peers.svg")));
            stderr.WriteLine($"peers: updated {readme}");
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

    /// <summary>Measures every row, in the order of the table; the series of a row are sampled in interleaved rounds.</summary>
    public static ComparisonReport Measure(PeerSizes sizes, bool quick, Toolchain tools, PeerPrograms programs, TextWriter progress,
        Statistic statistic = Statistic.Median)
    {
        var rounds = sizes.Rounds;
        var switchIters = sizes.SwitchIterations;
        var stubIters = sizes.StubIterations;
        var goN = sizes.GoN;
        var schedN = sizes.SchedN;
        var yieldN = sizes.SchedN;
        var batches = sizes.SpawnBatches;
        var dotnetYieldN = sizes.DotNetYieldN;
        var handOffN = sizes.HandOffN;
        var spawnN = sizes.SpawnN;
        var parked = sizes.Parked;
        var chanMessages = sizes.ChanMessages;
        var dotnetChanMessages = sizes.DotNetChanMessages;

        IReadOnlyList<Measurement> Sample(string operation, int n, params Series[] series)
        {
            progress.Write($"peers: {operation} ");
            return InterleavedSampler.Run(series, n, progress, operation, statistic);
        }

        static Series DotNet(string name, Func<int, double> once, int n) => Series.Of(name, () => once(n), () => once(Math.Max(1, n / 10)));

        ComparisonRow Row(string operation, string unit, string description, IReadOnlyList<Measurement> m, params string[] peers) =>
            new(operation, unit, description, m[0], [.. peers.Select((p, i) => new PeerResult(p, m[i + 1]))]);

        var rows = new List<ComparisonRow>();
        using (var h = new StubHarness())
        {
            rows.Add(Row("switch", "ns",
                "one stack switch between two contexts, no scheduler: ours is Native's switch_to (gosave + gogo); " +
                "c-minimal saves the callee-saved registers, swaps rsp and jumps; boost-context is jump_fcontext",
                Sample("switch", rounds, OursProbes.Switch(h, switchIters), programs.MinimalSwitch(switchIters),
                    programs.BoostContextSwitch(switchIters)),
                "c-minimal", "boost-context"));
            rows.Add(Row("roundtrip", "ns",
                "C# on g0 → goroutine → C#: entry (gogo) into a goroutine that mcalls straight back; the fixed cost of " +
                "every trip through the scheduler loop. No peer has this split",
                Sample("roundtrip", rounds, OursProbes.RoundTrip(h, stubIters))));
            rows.Add(Row("systemstack", "ns",
                "goroutine → systemstack → an [UnmanagedCallersOnly] C# no-op on g0 → back; how goroutine code reaches " +
                "runtime services written in C#. No peer has this split",
                Sample("systemstack", rounds, OursProbes.Systemstack(h, stubIters))));
        }
        rows.Add(Row("gosched", "ns",
            "one yield through the scheduler with two runnable goroutines on one P (GOMAXPROCS=1): " +
            "runtime.Gosched for ours and go; await Task.Yield() on a single-threaded SynchronizationContext for dotnet-yield",
            Sample("gosched", rounds, OursProbes.Gosched(yieldN), programs.Go("gosched", goN),
                DotNet("dotnet-yield", DotNetPeers.TaskYieldOnce, dotnetYieldN)),
            "go", "dotnet-yield"));
        rows.Add(Row("spawn-exit", "ns",
            "create a goroutine, run it and let it exit, in batches of 1000 (GOMAXPROCS=1 for go); " +
            "dotnet-taskrun is Task.Run of an empty delegate on the thread pool",
            Sample("spawn-exit", rounds, OursProbes.SpawnExit(batches), programs.Go("spawn-exit", goN),
                DotNet("dotnet-taskrun", DotNetPeers.TaskRunSpawnOnce, spawnN)),
            "go", "dotnet-taskrun"));
        rows.Add(Row("grow-2k-64k", "ns",
            "spawn + run + exit of a goroutine whose 30 nested calls of 1,900-byte frames grow its stack from 2 KiB to " +
            "64 KiB through five doublings (newstack + copystack each time), in batches of 1000 (GOMAXPROCS=1 for go; " +
            "go zeroes each frame's array, ours touches one word of it)",
            Sample("grow-2k-64k", rounds, OursProbes.Grow(batches), programs.Go("grow", goN)),
            "go"));
        rows.Add(Row("pingpong-sema", "ns",
            "one hand-off of a token between two goroutines (a round trip is two), a semaphore against a channel: ours is " +
            "release/acquire on one P, go is an unbuffered channel (GOMAXPROCS=1); the dotnet ones hand off between two " +
            "threads (SemaphoreSlim, ManualResetEventSlim) or two thread-pool async loops (Channel<T>). chan-pingpong is " +
            "channel against channel",
            Sample("pingpong-sema", rounds, OursProbes.PingPong(schedN), programs.Go("pingpong", goN),
                DotNet("dotnet-semaphoreslim", DotNetPeers.SemaphoreSlimHandOffOnce, handOffN),
                DotNet("dotnet-mres", DotNetPeers.ManualResetEventSlimHandOffOnce, handOffN),
                DotNet("dotnet-channel", DotNetPeers.ChannelPingPongOnce, handOffN)),
            "go", "dotnet-semaphoreslim", "dotnet-mres", "dotnet-channel"));
        rows.Add(Row("chan-pingpong", "ns",
            $"one message over an unbuffered channel between two goroutines that send and receive in turn (a round trip " +
            $"is two), {chanMessages:#,0} messages a sample: ours with send/recv on one P, go on GOMAXPROCS=1; " +
            "dotnet-channel is two thread-pool async loops and two unbounded Channel<T>s",
            Sample("chan-pingpong", rounds, OursProbes.ChanPingPong(chanMessages), programs.Go("pingpong", chanMessages / 2),
                DotNet("dotnet-channel", DotNetPeers.ChannelPingPongOnce, dotnetChanMessages / 2)),
            "go", "dotnet-channel"));
        rows.Add(Row("chan-buffered", "ns",
            $"one message through a channel of capacity {BenchWorkloads.BufferedCapacity} from one producer to one " +
            $"consumer, {chanMessages:#,0} messages a sample: ours on one P, go on GOMAXPROCS=1; dotnet-channel is a " +
            $"bounded Channel<T> of the same capacity between two thread-pool async loops",
            Sample("chan-buffered", rounds, OursProbes.ChanBuffered(chanMessages), programs.Go("chan-buffered", chanMessages),
                DotNet("dotnet-channel", DotNetPeers.ChannelBufferedOnce, dotnetChanMessages)),
            "go", "dotnet-channel"));
        rows.Add(Row("chan-select", "ns",
            "chan-pingpong with every receive a two-case select (the partner's channel and a quit channel nobody sends " +
            $"on), {chanMessages:#,0} messages a sample: ours on one P, go on GOMAXPROCS=1; dotnet-channel-whenany " +
            "(Channels have no select) awaits Task.WhenAny of the two channels' WaitToReadAsync, then TryRead",
            Sample("chan-select", rounds, OursProbes.ChanSelect(chanMessages), programs.Go("chan-select", chanMessages / 2),
                DotNet("dotnet-channel-whenany", DotNetPeers.ChannelSelectPingPongOnce, dotnetChanMessages / 2)),
            "go", "dotnet-channel-whenany"));
        rows.Add(Row("io-roundtrip", "ns",
            $"a goroutine parks on an fd that becomes ready later and netpoll readies it, not like for like: ours is io 1 " +
            $"by two goroutines on 1 P, free-running (per read a fresh timerfd armed 1 µs ahead, epoll_ctl ADD, park, " +
            $"netpoll, run, read, epoll_ctl DEL, close), {sizes.IoReads:#,0} reads a sample; go is two goroutines " +
            $"handing a byte back and forth over two os.Pipe pairs on GOMAXPROCS=1, per one-way message (write, a read " +
            $"that parks, netpoll, run), {sizes.PipeMessages:#,0} messages; go-timerfd is ours' read written in Go (two " +
            $"goroutines, os.NewFile on the timerfd); c-timerfd is the same timerfd read in C with no scheduler (busy " +
            $"reads until it fires)",
            Sample("io-roundtrip", rounds, OursProbes.Io(sizes.IoReads), programs.Go("io-pipe", sizes.PipeMessages / 2),
                programs.Go("io-timerfd", sizes.IoReads, "go-timerfd"), programs.TimerfdRead(sizes.IoReads)),
            "go", "go-timerfd", "c-timerfd"));
        rows.Add(Row("sleep-1us", "ns",
            $"a 1 µs sleep's wake-up: ours is sleep 1 in a loop on 1 P, free-running on the real clock (the M waits in " +
            $"epoll_pwait2 with a timespec), {sizes.Sleeps:#,0} a sample; go is time.Sleep(time.Microsecond) in a " +
            $"loop on GOMAXPROCS=1, {sizes.GoSleeps:#,0} a sample, where Go 1.19's netpoll waits in epoll_wait with a " +
            $"timeout in whole milliseconds: a sleep whose M blocks there waits at least 1 ms",
            Sample("sleep-1us", rounds, OursProbes.Sleep(sizes.Sleeps), programs.Go("sleep", sizes.GoSleeps)),
            "go"));
        rows.Add(Row("bytes-per-parked-goroutine", "bytes",
            $"resident set growth per blocked goroutine, {parked:#,0} of them parked at once (ours in acquire, go in a " +
            "channel receive); dotnet-async is an async method awaiting an uncompleted task. Each in a fresh process",
            Sample("bytes-per-parked-goroutine", 1, OursProbes.BytesPerParked(parked),
                programs.Go("bytes-per-parked-goroutine", parked),
                Series.Of("dotnet-async", () => SelfProcess.Memory("dotnet-async", parked))),
            "go", "dotnet-async"));
        return new ComparisonReport(MachineInfo.Describe(tools), rows, quick, DateTimeOffset.UtcNow, statistic);
    }
}
