using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>Outcomes in Go's words: deadlocks (with each blocked g and what it waits on), stack overflows, misuse.</summary>
public class ErrorTests
{
    [Fact]
    public void A_deadlock_is_reported_with_every_blocked_goroutine()
    {
        var r = Run("main {\n  go waiter\n  acquire never\n}\nwaiter {\n  acquire never\n}");
        Assert.Equal(RunOutcome.Deadlock, r.Outcome);
        Assert.StartsWith("fatal error: all goroutines are asleep - deadlock!", r.Message);
        Assert.Contains("goroutine 1 [semacquire]:\nmain line 3: acquire never (semaphore \"never\")", r.Message);
        Assert.Contains("goroutine 2 [semacquire]:\nwaiter line 6: acquire never (semaphore \"never\")\ncreated by main line 2: go waiter in goroutine 1", r.Message);
        Assert.Equal([1L, 2L], r.Blocked.Select(b => b.Goid));
        Assert.All(r.Blocked, b => Assert.Equal("never", b.Semaphore));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_deadlock_after_main_ended_is_still_a_deadlock(int procs)
    {
        var r = Run("main { go a; go b }\na { acquire x }\nb { yield; acquire y }", procs: procs);
        Assert.Equal(RunOutcome.Deadlock, r.Outcome);
        Assert.Equal([2L, 3L], r.Blocked.Select(b => b.Goid));
        Assert.Equal(["x", "y"], r.Blocked.Select(b => b.Semaphore));
    }

    [Fact]
    public void A_stack_overflow_on_fixed_stacks_is_fatal_and_names_the_goroutine()
    {
        var r = Run("main { go deep; yield }\ndeep { call 16384 { call 16384 { call 16384 { call 16384 { yield } } } } }",
            new RuntimeOptions { FixedStacks = true });
        Assert.Equal(RunOutcome.Fatal, r.Outcome);
        // goroutine 2's stack top is coloured one cache line down (Sched.StackColour): 65536 - 64 usable bytes.
        Assert.StartsWith("runtime: goroutine stack exceeds 65472-byte limit", r.Message);
        Assert.Contains("fatal error: stack overflow", r.Message);
        Assert.Contains("goroutine 2 [running]:\ndeep line 2: call 16384", r.Message); // the frame that did not fit
    }

    [Fact]
    public void The_same_workload_grows_its_stack_and_completes()
    {
        var r = Run("main { go deep; yield }\ndeep { call 16384 { call 16384 { call 16384 { call 16384 { yield } } } } }", trace: true);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var grows = r.Trace!.Where(e => e.Kind == EventKind.StackGrow).ToList();
        Assert.NotEmpty(grows);
        Assert.All(grows, e => Assert.Equal(2, e.G));
        Assert.Equal(2048, grows[0].A);
        // Each growth starts from the size the last one reached; the new bounds are the size apart.
        for (var i = 0; i < grows.Count; i++)
        {
            Assert.Equal(grows[i].B, grows[i].D - grows[i].C);
            if (i > 0) Assert.Equal(grows[i - 1].B, grows[i].A);
        }
    }

    [Fact]
    public void A_stack_above_maxstacksize_is_Gos_overflow()
    {
        var r = Run("main { go deep; yield }\ndeep { call 600000000 { yield } }");
        Assert.Equal(RunOutcome.Fatal, r.Outcome);
        Assert.StartsWith("runtime: goroutine stack exceeds 1000000000-byte limit\nruntime: sp=", r.Message);
        Assert.Contains("fatal error: stack overflow", r.Message);
        Assert.Contains("goroutine 2 [running]:\ndeep line 2: call 600000000", r.Message);
    }

    [Fact]
    public void A_workload_that_is_not_well_formed_is_refused_before_running()
    {
        var w = new Model.Workload.Workload([new Model.Workload.Body("main", new Model.Workload.Block([new Model.Workload.GoOp("nobody")]))]);
        var e = Assert.Throws<ArgumentException>(() => GoRuntime.Run(w));
        Assert.Contains("'go nobody' names no body", e.Message);
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Run("main { }", new RuntimeOptions { Procs = 0 }));
    }
}
