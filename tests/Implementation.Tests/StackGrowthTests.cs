using System.Collections.Concurrent;
using Implementation.Trace;
using Model.Workload;
using Native.Layout;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>Stacks start at 2 KiB and grow by copying (newstack, copystack): deep and wide workloads complete, every
/// pointer into the old stack is adjusted, and nothing else in a frame points there.</summary>
[Collection("Stack growth")]
public unsafe class StackGrowthTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Runs <paramref name="f"/> on a thread with a 1 GiB stack: the parser, validator and numbering recurse
    /// once per nested block.</summary>
    private static T OnBigStack<T>(Func<T> f)
    {
        T result = default!;
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try { result = f(); }
            catch (Exception e) { failure = e; }
        }, 1 << 30);
        t.Start();
        t.Join();
        if (failure != null) throw new InvalidOperationException(failure.Message, failure);
        return result;
    }

    private static List<TraceEvent> Grows(RunResult r) => r.Trace!.Where(e => e.Kind == EventKind.StackGrow).ToList();

    [Fact]
    public void A_100_MB_frame_completes()
    {
        var r = Run("main { go wide; yield }\nwide { call 104857600 { yield } }", trace: true);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var g = Grows(r);
        output.WriteLine(string.Join("\n", g.Select(e => $"g{e.G}: {e.A} -> {e.B}")));
        Assert.Single(g); // doubled until the frame fits, in one newstack
        Assert.Equal(2048, g[0].A);
        Assert.Equal(128L << 20, g[0].B);
    }

    [Fact]
    public void Calls_nested_100000_deep_complete()
    {
        const int depth = 100_000;
        var text = "main { go deep; yield }\ndeep { " + string.Concat(Enumerable.Repeat("call 0 { ", depth)) + "yield" +
                   string.Concat(Enumerable.Repeat(" }", depth)) + " }";
        var r = OnBigStack(() => Run(text, new RuntimeOptions { Trace = true, TraceCapacityPerM = 1 << 16, Timeout = TimeSpan.FromSeconds(120) }));
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var g = Grows(r);
        output.WriteLine(string.Join(", ", g.Select(e => $"{e.A}->{e.B}")));
        // 16 bytes per level (return address + saved rbp): 1.6 MB, so 2 MiB after ten doublings.
        Assert.Equal(10, g.Count);
        Assert.Equal(2L << 20, g[^1].B);
    }

    [Fact]
    public void After_a_copy_no_word_of_the_new_stack_points_into_the_old_one_and_the_frame_pointer_chain_is_adjusted()
    {
        var seen = new ConcurrentBag<string>();
        var copies = 0;
        Sched.AfterCopyStack = (gp, oldLo, oldHi) =>
        {
            var g = (G*)gp;
            Interlocked.Increment(ref copies);
            // Every word of the used part of the new stack: none may point into the old stack.
            for (var p = (nint*)g->Sched.Sp; p < (nint*)g->StackHi; p++)
            {
                if (*p >= oldLo && *p < oldHi) seen.Add($"g{g->Goid}: word at hi-{g->StackHi - (nint)p} = {*p:x} points into the old stack");
            }
            // The chain from sched.bp ends at the body's saved 0 and each link lies in the new stack, above the last.
            var links = 0;
            for (var fp = g->Sched.Bp; fp != 0; fp = *(nint*)fp, links++)
            {
                if (fp < g->StackLo || fp >= g->StackHi) { seen.Add($"g{g->Goid}: frame pointer {fp:x} outside the new stack"); break; }
                if (*(nint*)fp != 0 && *(nint*)fp <= fp) { seen.Add($"g{g->Goid}: chain does not go up at {fp:x}"); break; }
            }
            if (g->Sched.Sp < g->StackLo || g->Sched.Sp >= g->StackHi) seen.Add($"g{g->Goid}: sched.sp outside the new stack");
        };
        try
        {
            // Growth from inside nested calls, repeat counters in the frames above, yields after the copy, and exit from depth.
            var r = Run("""
                main { go a; go b; yield; yield }
                a { call 64 { repeat 3 { call 100 { call 3000 { yield } } } } }
                b { call 32 { call 32 { call 9000 { repeat 2 { call 20000 { yield; exit } } } } } }
                """, procs: 2, trace: true);
            Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
            Assert.True(copies >= 3, $"{copies} copies");
            Assert.Empty(seen);
            // Every sp and bp a g saves after a growth lies in its new stack.
            var bounds = new Dictionary<long, (long Lo, long Hi)>();
            foreach (var e in r.Trace!)
            {
                if (e.Kind == EventKind.GoCreate) bounds[e.A] = (e.C, e.D);
                if (e.Kind == EventKind.StackGrow) bounds[e.G] = (e.C, e.D);
                if (e.Kind == EventKind.GobufSave && e.B != 0)
                {
                    var (lo, hi) = bounds[e.G];
                    Assert.InRange(e.A, lo, hi);
                    if (e.C != 0) Assert.InRange(e.C, lo, hi);
                }
            }
        }
        finally
        {
            Sched.AfterCopyStack = null;
        }
    }

    [Fact]
    public void A_dead_g_gives_a_grown_stack_back_and_is_reused_with_a_starting_one()
    {
        var r = Run("""
            main { go big; repeat 10 { yield }; go small; yield }
            big { call 20000 { yield } }
            small { yield }
            """, trace: true);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var creates = r.Trace!.Where(e => e.Kind == EventKind.GoCreate).ToList();
        var small = creates.Single(e => e.A == 3);
        var big = creates.Single(e => e.A == 2);
        Assert.Equal(2048, small.D - small.C);               // gfget gave the reused g a fresh 2 KiB stack
        Assert.NotEmpty(Grows(r));
        // The g that grew went through gfput and came back out of gfget for "small".
        var put = r.Trace!.First(e => e.Kind == EventKind.GfPut && e.G == 2);
        Assert.Contains(r.Trace!, e => e.Kind == EventKind.GfGet && e.Seq > put.Seq);
        _ = big;
    }
}
