using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Bench.Peers;

/// <summary>
/// .NET's own primitives for the operations Checker's runtime implements, timed in this process.
/// Each method is one timed run (the caller warms up and takes the median).
/// "Hand-off" figures are per one-way hand-off (a round trip is two), as in the Go and Checker ping-pongs.
/// </summary>
public static class DotNetPeers
{
    /// <summary><c>await Task.Yield()</c> from two async loops on one <see cref="SingleThreadSynchronizationContext"/>; ns per yield. One timed run of <paramref name="n"/> yields per loop.</summary>
    public static double TaskYieldOnce(int n)
    {
        var sw = Stopwatch.StartNew();
        SingleThreadSynchronizationContext.Run(() => Task.WhenAll(Loop(n), Loop(n)));
        return sw.Elapsed.TotalNanoseconds / (2.0 * n);

        static async Task Loop(int n)
        {
            for (var i = 0; i < n; i++) await Task.Yield();
        }
    }

    /// <summary>Two threads handing a token back and forth through two <see cref="SemaphoreSlim"/>s; ns per hand-off. One timed run of <paramref name="n"/> round trips.</summary>
    public static double SemaphoreSlimHandOffOnce(int n)
    {
        using var ping = new SemaphoreSlim(0);
        using var pong = new SemaphoreSlim(0);
        var other = new Thread(() =>
        {
            for (var i = 0; i < n; i++) { ping.Wait(); pong.Release(); }
        });
        other.Start();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) { ping.Release(); pong.Wait(); }
        var ns = sw.Elapsed.TotalNanoseconds;
        other.Join();
        return ns / (2.0 * n);
    }

    /// <summary>Two threads handing a token back and forth through two <see cref="ManualResetEventSlim"/>s; ns per hand-off. One timed run of <paramref name="n"/> round trips.</summary>
    public static double ManualResetEventSlimHandOffOnce(int n)
    {
        using var ping = new ManualResetEventSlim(false);
        using var pong = new ManualResetEventSlim(false);
        var other = new Thread(() =>
        {
            for (var i = 0; i < n; i++) { ping.Wait(); ping.Reset(); pong.Set(); }
        });
        other.Start();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) { ping.Set(); pong.Wait(); pong.Reset(); }
        var ns = sw.Elapsed.TotalNanoseconds;
        other.Join();
        return ns / (2.0 * n);
    }

    /// <summary>Two async loops on the thread pool passing an int through two single-reader/writer <see cref="Channel{T}"/>s; ns per hand-off. One timed run of <paramref name="n"/> round trips.</summary>
    public static double ChannelPingPongOnce(int n)
    {
        var options = new UnboundedChannelOptions { SingleReader = true, SingleWriter = true };
        var ping = Channel.CreateUnbounded<int>(options);
        var pong = Channel.CreateUnbounded<int>(options);
        var sw = Stopwatch.StartNew();
        var echo = Task.Run(async () =>
        {
            for (var i = 0; i < n; i++) await pong.Writer.WriteAsync(await ping.Reader.ReadAsync());
        });
        var drive = Task.Run(async () =>
        {
            for (var i = 0; i < n; i++) { await ping.Writer.WriteAsync(i); await pong.Reader.ReadAsync(); }
        });
        Task.WaitAll(echo, drive);
        return sw.Elapsed.TotalNanoseconds / (2.0 * n);
    }

    /// <summary>
    /// One producer and one consumer, async loops on the thread pool, passing <paramref name="n"/> ints through a
    /// single-reader/writer bounded <see cref="Channel{T}"/> of capacity 128 (the producer waits when it is full); ns per
    /// message. One timed run.
    /// </summary>
    public static double ChannelBufferedOnce(int n)
    {
        var c = Channel.CreateBounded<int>(new BoundedChannelOptions(128)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
        var sw = Stopwatch.StartNew();
        var consume = Task.Run(async () =>
        {
            for (var i = 0; i < n; i++) await c.Reader.ReadAsync();
        });
        var produce = Task.Run(async () =>
        {
            for (var i = 0; i < n; i++) await c.Writer.WriteAsync(i);
        });
        Task.WaitAll(consume, produce);
        return sw.Elapsed.TotalNanoseconds / n;
    }

    /// <summary>
    /// <see cref="ChannelPingPongOnce"/> with every receive a two-way wait, .NET's nearest to a two-case select
    /// (Channels have no select): <c>Task.WhenAny</c> of the partner's channel's <c>WaitToReadAsync</c> and a quit
    /// channel's that nobody writes to (created once and left pending), then <c>TryRead</c>; ns per hand-off. One timed
    /// run of <paramref name="n"/> round trips.
    /// </summary>
    public static double ChannelSelectPingPongOnce(int n)
    {
        var options = new UnboundedChannelOptions { SingleReader = true, SingleWriter = true };
        var ping = Channel.CreateUnbounded<int>(options);
        var pong = Channel.CreateUnbounded<int>(options);
        var quitEcho = Channel.CreateUnbounded<int>(options);
        var quitDrive = Channel.CreateUnbounded<int>(options);
        var sw = Stopwatch.StartNew();
        var echo = Task.Run(async () =>
        {
            var quit = quitEcho.Reader.WaitToReadAsync().AsTask();
            for (var i = 0; i < n; i++) await pong.Writer.WriteAsync(await Select(ping.Reader, quit));
        });
        var drive = Task.Run(async () =>
        {
            var quit = quitDrive.Reader.WaitToReadAsync().AsTask();
            for (var i = 0; i < n; i++) { await ping.Writer.WriteAsync(i); await Select(pong.Reader, quit); }
        });
        Task.WaitAll(echo, drive);
        return sw.Elapsed.TotalNanoseconds / (2.0 * n);

        static async Task<int> Select(ChannelReader<int> reader, Task<bool> quit)
        {
            while (true)
            {
                if (reader.TryRead(out var v)) return v;
                var ready = reader.WaitToReadAsync();
                if (!ready.IsCompleted && await Task.WhenAny(ready.AsTask(), quit) == quit)
                    throw new InvalidOperationException("the quit channel was written to");
            }
        }
    }

    /// <summary><c>Task.Run</c> of an empty delegate in batches of 1000, each batch awaited; ns per task (spawn + run + completion). One timed run of <paramref name="n"/> tasks.</summary>
    public static double TaskRunSpawnOnce(int n)
    {
        const int batch = 1000;
        var batches = Math.Max(1, n / batch);
        var tasks = new Task[batch];
        Action empty = static () => { };
        var sw = Stopwatch.StartNew();
        for (var b = 0; b < batches; b++)
        {
            for (var i = 0; i < batch; i++) tasks[i] = Task.Run(empty);
            Task.WaitAll(tasks);
        }
        return sw.Elapsed.TotalNanoseconds / ((double)batches * batch);
    }

    /// <summary>
    /// Resident set growth per async method parked on an uncompleted task (its boxed state machine and continuation):
    /// the .NET counterpart of a parked goroutine. Run it in a fresh process (the <c>memory</c> verb) for a clean baseline.
    /// </summary>
    public static double BytesPerParkedAsync(int count)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var before = Rss.CurrentBytes();
        var gate = new TaskCompletionSource(TaskCreationOptions.None);
        var parked = new Task[count];
        for (var i = 0; i < count; i++) parked[i] = Park(gate.Task);
        var after = Rss.CurrentBytes();
        gate.SetResult();
        Task.WaitAll(parked);
        return (after - before) / (double)count;

        [MethodImpl(MethodImplOptions.NoInlining)]
        static async Task Park(Task gate) => await gate;
    }
}
