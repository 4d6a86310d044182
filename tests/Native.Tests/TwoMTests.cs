using System.Collections.Concurrent;
using Native.Layout;

namespace Native.Tests;

/// <summary>A goroutine parked on one M thread resumes on another (g.m is rewritten by entry on every entry).</summary>
public unsafe class TwoMTests
{
    private static readonly StubSet S = StubSet.Shared;

    [Fact]
    public void A_goroutine_parked_on_one_thread_resumes_on_the_other()
    {
        const int hops = 2000;
        using var gs = new Gs();
        var (g, r) = gs.New(Bodies.Yield);
        var rec = (Rec*)r;
        rec->Yields = hops;
        rec->Seed = 0x0dd;
        rec->Reason = (long)McallReason.Park;
        var queues = new[] { new BlockingCollection<nint>(), new BlockingCollection<nint>() };
        var errors = new ConcurrentQueue<string>();
        var exits = 0;
        var threadIds = new int[2];

        MBody Body(int self) => m =>
        {
            threadIds[self] = Environment.CurrentManagedThreadId;
            foreach (var gp in queues[self].GetConsumingEnumerable())
            {
                var gg = (G*)gp;
                var reason = S.Execute(m, gg);
                if ((nint)gg->M != (nint)m)
                {
                    errors.Enqueue($"g.m = {(nint)gg->M:x}, expected this M {(nint)m:x}");
                }

                if (reason == McallReason.Exit)
                {
                    Interlocked.Increment(ref exits);
                    queues[0].CompleteAdding();
                    queues[1].CompleteAdding();
                    return;
                }

                if (reason != McallReason.Park)
                {
                    errors.Enqueue($"reason {reason}");
                }

                if (rec->Resumes > 0 && rec->LastM != (nint)m)
                {
                    errors.Enqueue($"resume {rec->Resumes}: the body saw m {rec->LastM:x}, ran on {(nint)m:x}");
                }

                queues[1 - self].Add(gp);               // park here, ready it on the other M
            }
        };

        var m0 = MThread.Start(100, Body(0));
        var m1 = MThread.Start(101, Body(1));
        try
        {
            queues[0].Add(g);
            Assert.True(m0.Join(TimeSpan.FromSeconds(30)) && m1.Join(TimeSpan.FromSeconds(30)), "M threads did not finish");
            m0.Join();
            m1.Join();
            Assert.Empty(errors);
            Assert.Equal(1, exits);
            Assert.Equal(hops, rec->Resumes);
            Assert.Equal(0, rec->Errors);
            Assert.NotEqual(threadIds[0], threadIds[1]);
            // The last resume ran on M1 or M0, whichever the parity says: hop k runs on M(k % 2).
            Assert.Equal((nint)(hops % 2 == 0 ? m0.M : m1.M), (nint)((G*)g)->M);
        }
        finally
        {
            m0.Dispose();
            m1.Dispose();
        }
    }

    [Fact]
    public void Goroutines_migrate_between_two_busy_Ms_under_a_GC_hammer()
    {
        const int n = 16;
        const int yields = 20_000;
        using var gs = new Gs();
        var run = new ConcurrentQueue<nint>();
        var recs = new Dictionary<nint, nint>();
        for (var i = 0; i < n; i++)
        {
            var (g, r) = gs.New(Bodies.Yield);
            ((Rec*)r)->Yields = yields;
            ((Rec*)r)->Seed = 1000 + i;
            recs[g] = r;
            run.Enqueue(g);
        }

        var exited = 0;
        long migrations = 0;
        var errors = new ConcurrentQueue<string>();
        MBody Body() => m =>
        {
            while (Volatile.Read(ref exited) < n)
            {
                if (!run.TryDequeue(out var gp))
                {
                    Thread.Yield();
                    continue;
                }

                var g = (G*)gp;
                var before = (nint)g->M;
                var reason = S.Execute(m, g);
                if (before != 0 && before != (nint)m)
                {
                    Interlocked.Increment(ref migrations);
                }

                switch (reason)
                {
                    case McallReason.Gosched:
                        run.Enqueue(gp);
                        break;
                    case McallReason.Exit:
                        Interlocked.Increment(ref exited);
                        break;
                    default:
                        errors.Enqueue($"g{g->Goid}: {reason}");
                        Interlocked.Increment(ref exited);
                        break;
                }
            }
        };

        using var stop = new CancellationTokenSource();
        var hammer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        hammer.Start();
        var m0 = MThread.Start(200, Body());
        var m1 = MThread.Start(201, Body());
        try
        {
            Assert.True(m0.Join(TimeSpan.FromSeconds(60)) && m1.Join(TimeSpan.FromSeconds(60)), "M threads did not finish");
            m0.Join();
            m1.Join();
        }
        finally
        {
            stop.Cancel();
            hammer.Join();
            m0.Dispose();
            m1.Dispose();
        }

        Assert.Empty(errors);
        Assert.Equal(n, exited);
        Assert.True(migrations > 0, "no goroutine ever resumed on the other M");
        foreach (var (g, r) in recs)
        {
            var rec = (Rec*)r;
            Assert.True(rec->Errors == 0, $"g{((G*)g)->Goid}: {rec->Errors} frame/register check failures");
            Assert.Equal(yields, rec->Resumes);
        }
    }
}
