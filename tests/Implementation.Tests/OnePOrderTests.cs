using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>
/// One P: the schedule is deterministic, so the exact order of GoStart events is written out. Note the 1-in-61
/// fairness check: schedtick is 0 while main runs its first slice (it started from runnext, inheriting the tick),
/// so main's first Gosched comes straight back from the global queue; the workloads start with a yield to step past it.
/// </summary>
public class OnePOrderTests
{
    private static List<long> Order(string text)
    {
        var r = Run(text, trace: true, sysmon: false);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        return StartOrder(r);
    }

    [Fact]
    public void At_schedtick_0_the_global_queue_is_checked_first()
    {
        // main yields at tick 0: the 61-check takes it back from the global queue before its child in runnext.
        Assert.Equal([1L, 1L, 2L], Order("main { go a; yield }\na { }"));
    }

    [Fact]
    public void A_child_created_by_go_runs_before_its_parent_resumes_after_a_yield()
    {
        Assert.Equal([1L, 1L, 2L, 1L], Order("main { yield; go a; yield }\na { }"));
    }

    [Fact]
    public void Gosched_goes_behind_everything_local_and_runnext_comes_first()
    {
        // go a then go b: b in runnext, a kicked to the ring; main's yield puts it on the global queue.
        Assert.Equal([1L, 1L, 3L, 2L, 1L], Order("main { yield; go a; go b; yield }\na { }\nb { }"));
    }

    [Fact]
    public void A_released_waiter_runs_next()
    {
        var order = Order("main { yield; go w; yield; release s; yield }\nw { acquire s }");
        Assert.Equal([1L, 1L, 2L, 1L, 2L, 1L], order);
    }

    [Fact]
    public void A_release_with_no_waiter_counts_up_and_the_acquire_does_not_park()
    {
        var r = Run("main { release s; go w; yield; yield }\nw { acquire s }", trace: true, sysmon: false);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.Empty(Events(r, EventKind.GoBlock));
        Assert.Equal([1L, 0L], Events(r, EventKind.SemCount).Select(e => e.B));
    }

    [Fact]
    public void Exit_from_nested_frames_ends_the_goroutine_and_skips_the_rest()
    {
        var r = Run("main { go deep; yield; yield }\ndeep { call 128 { call 512 { yield; exit } }\nrelease never }", trace: true, sysmon: false);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.Empty(Events(r, EventKind.SemCount)); // the release after the exit never ran
        Assert.Equal(2, Events(r, EventKind.GoEnd).Count());
    }

    [Fact]
    public void Gobuf_saves_name_the_program_point_of_each_yield()
    {
        var r = Run("main { yield; repeat 2 { yield } }", trace: true, sysmon: false);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var saves = Events(r, EventKind.GobufSave).ToList();
        var points = saves.Select(e => r.Symbols.PointAt((nint)e.B)).ToList();
        // yield = op 0, repeat = op 1, the inner yield = op 2; the last save is the exit through goexit (no point).
        Assert.Equal("0.0", points[0]?.ToString());
        Assert.Equal("0.2", points[1]?.ToString());
        Assert.Equal("0.2", points[2]?.ToString());
        Assert.Null(points[^1]);
        foreach (var e in saves)
        {
            var g = r.Goroutines.Single(x => x.Goid == e.G);
            Assert.InRange(e.A, (long)g.StackLo + 1, (long)g.StackHi); // B3: the saved sp lies inside the g's stack
        }
    }

    [Fact]
    public void Spill_300_runnable_gs_on_one_P_moves_exactly_129_to_the_global_queue_once()
    {
        var r = Run("main { yield; repeat 300 { go child } }\nchild { yield }", trace: true, sysmon: false);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var slow = Events(r, EventKind.RunqPutSlow).ToList();
        var e = Assert.Single(slow);
        Assert.Equal(129, e.A);          // 128 from the ring plus the evicted runnext
        Assert.Equal(128, e.B);          // head after
        Assert.Equal(258, e.G);          // goid 258 was evicted from runnext by the 258th go (goid 259... minus main)
        Assert.Equal(301, r.Counters.Created);
        Assert.Equal(301, Events(r, EventKind.GoEnd).Count());
    }
}
