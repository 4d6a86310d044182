using Bench.Peers;
using Bench.Stubs;

namespace Bench.Tests;

/// <summary>The in-process measurements run and count what they claim to (tiny sizes; timings are not asserted).</summary>
public class MeasurementTests
{
    [Fact]
    public void Single_thread_context_runs_every_continuation_on_the_calling_thread()
    {
        var thread = Environment.CurrentManagedThreadId;
        var seen = new HashSet<int>();
        var steps = 0;
        SingleThreadSynchronizationContext.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await Task.Yield();
                seen.Add(Environment.CurrentManagedThreadId);
                steps++;
            }
        });
        Assert.Equal(100, steps);
        Assert.Equal([thread], seen);
    }

    [Fact]
    public void DotNet_peers_return_positive_times_for_small_runs()
    {
        Assert.InRange(DotNetPeers.TaskYieldOnce(1000), 0.1, 1e7);
        Assert.InRange(DotNetPeers.SemaphoreSlimHandOffOnce(200), 0.1, 1e8);
        Assert.InRange(DotNetPeers.ManualResetEventSlimHandOffOnce(200), 0.1, 1e8);
        Assert.InRange(DotNetPeers.ChannelPingPongOnce(200), 0.1, 1e8);
        Assert.InRange(DotNetPeers.ChannelBufferedOnce(1000), 0.1, 1e8);
        Assert.InRange(DotNetPeers.ChannelSelectPingPongOnce(200), 0.1, 1e8);
        Assert.InRange(DotNetPeers.TaskRunSpawnOnce(1000), 0.1, 1e8);
    }

    [Fact]
    public void Stub_harness_switches_round_trips_and_calls_systemstack()
    {
        using var h = new StubHarness();
        Assert.True(h.Switch(1000) > TimeSpan.Zero);
        Assert.True(h.Switch(1) > TimeSpan.Zero);
        Assert.True(h.RoundTrip(1000) > TimeSpan.Zero);
        var before = h.Callbacks;
        Assert.True(h.Systemstack(500) > TimeSpan.Zero);
        Assert.Equal(500, h.Callbacks - before);
    }
}
