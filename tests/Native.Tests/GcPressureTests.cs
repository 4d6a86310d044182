using System.Diagnostics;
using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>Switching under a thread that forces garbage collections the whole time (native-notes rule 2).</summary>
public unsafe class GcPressureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly StubSet S = StubSet.Shared;

    [UnmanagedCallersOnly]
    private static long Alloc(G* g, nint a0, nint a1)
    {
        try
        {
            var arr = new byte[(int)a0];
            arr[^1] = 1;
            return arr.Length;
        }
        catch
        {
            return long.MinValue;
        }
    }

    [Fact]
    public void Ten_million_switches_survive_a_GC_hammer()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        using var stop = new CancellationTokenSource();
        long hammered = 0;
        var hammer = new Thread(() =>
        {
            var keep = new List<object>();
            while (!stop.IsCancellationRequested)
            {
                keep.Add(new byte[1000]);
                if (keep.Count > 1000)
                {
                    keep.Clear();
                }

                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: Interlocked.Read(ref hammered) % 2 == 0);
                Interlocked.Increment(ref hammered);
                // Back-to-back forced collections starve the switching thread (it waits for each GC at every return
                // from entry), which on a quiet machine stretched this test to minutes; hundreds per second remain.
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "gc-hammer" };
        try
        {
            const long yields = 1_500_000;
            const long pingpong = 2_000_000;
            var (a, ra) = gs.New(Bodies.Yield);
            var (b, rb) = gs.New(Bodies.Yield);
            var (p, rp) = gs.New(Bodies.PingPong);
            var (q, rq) = gs.New(Bodies.PingPong);
            var (c, rc) = gs.New(Bodies.CallSystem);
            ((Rec*)ra)->Yields = ((Rec*)rb)->Yields = yields;
            ((Rec*)ra)->Seed = 11;
            ((Rec*)rb)->Seed = 22;
            ((Rec*)rp)->Other = q;
            ((Rec*)rq)->Other = p;
            ((Rec*)rp)->Count = ((Rec*)rq)->Count = pingpong;
            ((Rec*)rc)->Count = 20_000;
            ((Rec*)rc)->A0 = 100;
            ((Rec*)rc)->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&Alloc;

            var gcBefore = GC.CollectionCount(0);
            var sw = Stopwatch.StartNew();
            hammer.Start();
            while (Interlocked.Read(ref hammered) < 2)
            {
                Thread.Sleep(1);                            // the hammer is running before the first switch
            }

            var hammeredBefore = Interlocked.Read(ref hammered);
            long switches = 0;
            // Round trips C# → g → C#: two switches each.
            var run = new List<nint> { a, b };
            while (run.Count > 0)
            {
                for (var i = run.Count - 1; i >= 0; i--)
                {
                    var reason = S.Execute(m, (G*)run[i]);
                    switches += 2;
                    if (reason == McallReason.Exit)
                    {
                        run.RemoveAt(i);
                    }
                }
            }

            // Native g→g switches: 2 * pingpong + 1, plus the entries and exits.
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)p));
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)(nint)m->CurG == (G*)p ? (G*)q : (G*)p));
            switches += 2 * pingpong + 4;
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)c));
            var during = Interlocked.Read(ref hammered) - hammeredBefore;
            stop.Cancel();
            hammer.Join();

            Assert.True(switches >= 10_000_000, $"{switches} switches");
            Assert.Equal(0, ((Rec*)ra)->Errors + ((Rec*)rb)->Errors);
            Assert.Equal(yields, ((Rec*)ra)->Resumes);
            Assert.Equal(yields, ((Rec*)rb)->Resumes);
            Assert.Equal(pingpong, ((Rec*)rp)->Resumes);
            Assert.Equal(pingpong, ((Rec*)rq)->Resumes);
            Assert.Equal(20_000 * 100, ((Rec*)rc)->Result);
            output.WriteLine($"{switches:N0} switches and {during} forced collections in {sw.ElapsedMilliseconds} ms");
            Assert.True(during >= 5, $"only {during} forced collections happened during the switches ({sw.ElapsedMilliseconds} ms)");
            Assert.True(GC.CollectionCount(0) - gcBefore >= 10);
        }
        finally
        {
            stop.Cancel();
            if (hammer.IsAlive)
            {
                hammer.Join();
            }

            Records.FreeM(m);
        }
    }
}
