using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>Several Ps on this 2-core machine: stealing happens, every g finishes, nothing is lost or run twice.</summary>
public class MultiPTests
{
    private const string Fanout = """
        main {
          repeat 64 { go worker }
          repeat 64 { acquire done }
        }
        worker {
          repeat 20 { yield; work 200 }
          go leaf
          call 512 { yield }
          release done
        }
        leaf {
          yield
        }
        """;

    /// <summary>
    /// Conservation: every created g ends exactly once or is reported blocked; no g is started while it already runs
    /// (GoStart only after it stopped: GoSched, GoBlock, a slow GoSysExit, or never before); goids are unique.
    /// </summary>
    internal static void AssertConservation(RunResult r)
    {
        Assert.False(r.TraceTruncated);
        var created = r.Trace!.Where(e => e.Kind == EventKind.GoCreate).Select(e => e.A).ToList();
        Assert.Equal(created.Count, created.Distinct().Count());
        Assert.Equal(r.Counters.Created, created.Count);
        var ended = r.Trace!.Where(e => e.Kind == EventKind.GoEnd).Select(e => e.G).ToList();
        Assert.Equal(ended.Count, ended.Distinct().Count());
        var blocked = r.Blocked.Select(b => b.Goid).ToHashSet();
        Assert.Equal(created.ToHashSet(), ended.Concat(blocked).ToHashSet());
        var running = new HashSet<long>();
        ulong lastSeq = 0;
        foreach (var e in r.Trace!)
        {
            Assert.True(e.Seq > lastSeq, "sequence numbers are strictly increasing after the merge");
            lastSeq = e.Seq;
            switch (e.Kind)
            {
                case EventKind.GoStart:
                    Assert.True(running.Add(e.G), $"g{e.G} started twice without stopping (seq {e.Seq})");
                    break;
                case EventKind.GoSched or EventKind.GoPreempt or EventKind.GoBlock or EventKind.GoEnd:
                    Assert.True(running.Remove(e.G), $"g{e.G} stopped while not running (seq {e.Seq}, {e.Kind})");
                    break;
                case EventKind.GoSysExit when e.A == 0:
                    Assert.True(running.Remove(e.G), $"g{e.G} left a syscall on the slow path while not running");
                    break;
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Work_is_stolen_and_every_goroutine_finishes_exactly_once(int procs)
    {
        var stolen = false;
        for (var attempt = 0; attempt < 5 && !stolen; attempt++)
        {
            var r = Run(Fanout, procs: procs, trace: true);
            Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
            Assert.Equal(1 + 64 * 2, r.Counters.Created);
            AssertConservation(r);
            var steals = r.Trace!.Where(e => e.Kind == EventKind.RunqSteal).ToList();
            Assert.Equal(r.Counters.Steals, steals.Count);
            foreach (var s in steals)
            {
                Assert.InRange(s.B, 1, 128);     // at most half of a full ring
                Assert.NotEqual(s.P, (short)s.A); // never from itself
            }
            stolen = steals.Count > 0;
        }
        Assert.True(stolen, "no steal in 5 runs");
    }

    [Fact]
    public void Runs_stay_correct_while_a_thread_forces_garbage_collections()
    {
        using var stop = new CancellationTokenSource();
        long collections = 0;
        var hammer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                _ = new byte[64 * 1024];
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                collections++;
                // Back to back, forced collections starve every other managed thread (each must wait for the GC at its
                // next transition), and on a quiet machine the runs then take minutes; hundreds per second still
                // land in the middle of every run.
                Thread.Sleep(2);
            }
        }) { IsBackground = true };
        hammer.Start();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var r = Run(Fanout, procs: 3, trace: true);
                Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
                AssertConservation(r);
            }
        }
        finally
        {
            stop.Cancel();
            hammer.Join();
        }
        Assert.True(collections > 0);
    }
}
