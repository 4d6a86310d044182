using System.Diagnostics;
using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests.Timers;

/// <summary>time.Sleep on the native runtime: per-P timer heaps, checkTimers, the virtual clock of controlled runs
/// (checkdead's timejump, Go's faketime) and the real clock with the blocking poller of free-running runs.</summary>
public class SleepTests
{
    private const string TwoSleepers = "main {\n go a\n sleep 30\n}\na { sleep 10 }";

    private static string Line(TraceEvent e) => $"{e.Kind} g{e.G} {e.A} {e.B} {e.C} (m{e.M} p{e.P})";

    private static RuntimeOptions Controlled(int procs, ulong seed = 1, IReadOnlyList<int>? replay = null) => new()
    {
        Procs = procs, Trace = true, Controlled = true, Seed = seed, Replay = replay, Sysmon = false, Timeout = TimeSpan.FromSeconds(20),
    };

    [Fact]
    public void Controlled_on_one_P_two_sleepers_wake_in_deadline_order_by_two_timejumps_of_the_virtual_clock()
    {
        var sw = Stopwatch.StartNew();
        var r = Run(TwoSleepers, Controlled(1));
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var timed = r.Trace!.Where(e => e.Kind is EventKind.GoSleep or EventKind.TimerAdd or EventKind.TimerFire or EventKind.TimeJump
            or EventKind.GoUnblock).Select(Line).ToArray();
        string[] expected =
        [
            "GoSleep g1 0 0 0 (m0 p0)",
            "TimerAdd g1 0 30 1 (m0 p0)",
            "GoSleep g2 0 0 0 (m0 p0)",
            "TimerAdd g2 0 10 2 (m0 p0)",
            "TimeJump g0 10 0 0 (m0 p-1)",
            "TimerFire g2 0 10 1 (m0 p0)",
            "GoUnblock g2 0 -1 2 (m0 p0)",
            "TimeJump g0 30 0 0 (m0 p-1)",
            "TimerFire g1 0 30 0 (m0 p0)",
            "GoUnblock g1 0 -1 2 (m0 p0)",
        ];
        Assert.Equal(expected, timed);
        // The fired g goes to runnext and runs next, inheriting the time slice.
        var fire = r.Trace!.ToList().FindIndex(e => e.Kind == EventKind.TimerFire);
        Assert.Equal("RunnextPut g2 0 0 0 (m0 p0)", Line(r.Trace![fire + 3]));
        Assert.Equal("RunqGet g2 0 0 1 (m0 p0)", Line(r.Trace![fire + 4]));
        // Virtual time: nobody waited 30 µs of real time per sleep, and no run blocked in the poller.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
    }

    private const string Mix = """
        main {
          repeat 4 { go sleeper }
          go spinner
          repeat 5 { acquire done }
        }
        sleeper {
          repeat 3 { sleep 10; yield; sleep 3 }
          release done
        }
        spinner {
          repeat 20 { yield; work 100 }
          release done
        }
        """;

    [Fact]
    public void Controlled_runs_with_timers_replay_exactly_from_the_recorded_choices()
    {
        for (ulong seed = 1; seed <= 4; seed++)
        {
            var a = Run(Mix, Controlled(3, seed));
            Assert.True(a.Outcome == RunOutcome.Completed, a.Message);
            var b = Run(Mix, Controlled(3, seed + 100, a.Choices));
            Assert.True(b.Outcome == RunOutcome.Completed, b.Message);
            var sa = a.Trace!.Where(e => e.Kind is not (EventKind.GobufLoad or EventKind.GobufSave or EventKind.GoCreate)).Select(Line);
            var sb = b.Trace!.Where(e => e.Kind is not (EventKind.GobufLoad or EventKind.GobufSave or EventKind.GoCreate)).Select(Line);
            Assert.Equal(sa, sb);
            Assert.Equal(24, a.Trace!.Count(e => e.Kind == EventKind.TimerAdd));
            Assert.Equal(a.Trace!.Count(e => e.Kind == EventKind.TimerAdd), a.Trace!.Count(e => e.Kind == EventKind.TimerFire));
        }
    }

    [Fact]
    public void Every_timer_fires_at_or_after_its_deadline_on_the_virtual_clock()
    {
        var r = Run(Mix, Controlled(2, 7));
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        long clock = 0;
        foreach (var e in r.Trace!)
        {
            if (e.Kind == EventKind.TimeJump) { Assert.True(e.A >= clock); clock = e.A; }
            if (e.Kind == EventKind.TimerFire) Assert.True(e.B <= clock, $"{Line(e)} before its deadline at clock {clock}");
        }
    }

    [Fact]
    public void A_sleeper_is_not_a_deadlock_and_a_lost_release_still_is()
    {
        var ok = Run("main {\n go s\n acquire x\n}\ns { sleep 5; release x }", Controlled(2));
        Assert.True(ok.Outcome == RunOutcome.Completed, ok.Message);
        var dead = Run("main {\n go s\n acquire x\n}\ns { sleep 5 }", Controlled(2));
        Assert.Equal(RunOutcome.Deadlock, dead.Outcome);
        Assert.StartsWith("fatal error: all goroutines are asleep - deadlock!", dead.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Free_running_sleeps_take_real_time_and_the_idle_M_waits_in_the_poller(int procs)
    {
        var sw = Stopwatch.StartNew();
        var r = Run("main {\n repeat 3 { go s }\n repeat 3 { acquire d }\n}\ns { repeat 5 { sleep 2000 }; release d }",
            new RuntimeOptions { Procs = procs, Trace = true, Timeout = TimeSpan.FromSeconds(20) });
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        // Five sleeps of 2 ms in a row: at least 10 ms of real time; the Ms slept in epoll, they did not spin.
        Assert.True(r.Elapsed >= TimeSpan.FromMilliseconds(10), $"elapsed {r.Elapsed}");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Equal(15, r.Trace!.Count(e => e.Kind == EventKind.TimerFire));
        foreach (var e in r.Trace!.Where(e => e.Kind == EventKind.TimerAdd)) Assert.True(e.B > 0);
    }
}
