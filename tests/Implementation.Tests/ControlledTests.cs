using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>Controlled mode: several Ps, really switching stacks on several threads, yet reproducible from a seed,
/// and replayable from the recorded choices.</summary>
public class ControlledTests
{
    private const string Workload = """
        main {
          repeat 12 { go worker }
          repeat 12 { acquire done }
        }
        worker {
          repeat 5 { yield }
          go leaf
          syscall 50
          release done
        }
        leaf { yield }
        """;

    private static RunResult RunControlled(ulong seed, IReadOnlyList<int>? replay = null)
        => Run(Workload, new RuntimeOptions { Procs = 3, Trace = true, Controlled = true, Seed = seed, Replay = replay, Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>The trace without raw addresses (stacks and code move between runs).</summary>
    private static List<(EventKind, short, short, long, long, long, long)> Signature(RunResult r)
        => r.Trace!.Select(e => e.Kind switch
        {
            EventKind.GobufLoad or EventKind.GobufSave => (e.Kind, e.M, e.P, e.G, 0L, 0L, 0L),
            EventKind.GoCreate => (e.Kind, e.M, e.P, e.G, e.A, e.B, 0L),
            _ => (e.Kind, e.M, e.P, e.G, e.A, e.B, e.C),
        }).ToList();

    [Fact]
    public void The_same_seed_gives_the_same_trace_event_for_event()
    {
        var a = RunControlled(42);
        var b = RunControlled(42);
        Assert.True(a.Outcome == RunOutcome.Completed, a.Message);
        Assert.True(a.Choices.Count > 0);
        Assert.Equal(a.Choices, b.Choices);
        Assert.Equal(a.Choices, a.ChoiceLog.Select(c => c.Value));
        Assert.Contains(a.ChoiceLog, c => c.Kind == ChoiceKind.NextM && c.M >= 0);
        Assert.Contains(a.ChoiceLog, c => c.Kind == ChoiceKind.SyscallSlowPath);
        Assert.All(a.ChoiceLog, c => Assert.InRange(c.Value, 0, c.Options - 1));
        Assert.Equal(Signature(a), Signature(b));
        MultiPTests.AssertConservation(a);
    }

    [Fact]
    public void Different_seeds_explore_different_schedules_and_several_Ms_take_part()
    {
        var signatures = new HashSet<string>();
        var ms = new HashSet<short>();
        for (ulong seed = 1; seed <= 6; seed++)
        {
            var r = RunControlled(seed);
            Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
            MultiPTests.AssertConservation(r);
            signatures.Add(string.Join(",", Signature(r).Select(s => $"{s.Item1}{s.Item2}{s.Item4}")));
            foreach (var e in r.Trace!.Where(e => e.Kind == EventKind.GoStart)) ms.Add(e.M);
        }
        Assert.True(signatures.Count > 1, "every seed gave the same schedule");
        Assert.True(ms.Count > 1, "only one M ever ran goroutines");
    }

    [Fact]
    public void Recorded_choices_replay_the_run_under_another_seed()
    {
        var a = RunControlled(7);
        var b = RunControlled(999, replay: a.Choices);
        Assert.Equal(Signature(a), Signature(b));
    }
}
