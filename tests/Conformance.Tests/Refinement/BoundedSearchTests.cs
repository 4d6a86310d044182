using Conformance.Refinement;
using Implementation.Trace;
using Model;

namespace Conformance.Tests.Refinement;

/// <summary>The bounded search over the rules' alternatives: a right trace is never rejected because the first guess
/// was wrong, and a wrong trace is rejected as before.</summary>
public class BoundedSearchTests
{
    private static RefinementChecker.Verdict Check(Model.Workload.Workload w, SchedConfig config, IReadOnlyList<TraceEvent> trace, SearchBounds bounds) =>
        new RefinementChecker(w, config) { Bounds = bounds }.Check(trace, Abstraction.Identity, null);

    [Theory]
    [InlineData("syscalls", 2)]
    [InlineData("example", 2)]
    [InlineData("runnext-chain", 2)]
    public void Interleaved_steps_that_the_greedy_choice_misjudges_are_accepted_by_the_search(string name, int procs)
    {
        var w = Corpus.Get(name);
        var config = new SchedConfig { Procs = procs, Sysmon = true };
        var traces = MisjudgedTraces.Find(w, config).Take(40).ToList();
        Assert.NotEmpty(traces);
        var misjudged = 0;
        foreach (var (trace, xStart) in traces)
        {
            // Every such trace refines the model, and the search finds how.
            var searched = Check(w, config, trace, SearchBounds.Default);
            Assert.True(searched.Violation is null, searched.Violation?.Verdict);
            Assert.Equal(trace.Length, searched.EventsChecked);

            var greedy = Check(w, config, trace, SearchBounds.Greedy);
            if (greedy.Violation is null) continue;
            // The greedy choice took Y before X and then could not explain X's events.
            misjudged++;
            Assert.True(greedy.Violation.EventIndex >= xStart, greedy.Violation.Verdict);
            Assert.True(searched.Backtracks > 0);
        }
        Assert.True(misjudged > 0, $"none of {traces.Count} interleavings of {name} on {procs} Ps made the greedy choice guess wrong");
    }

    [Theory]
    [InlineData("example", 2)]
    [InlineData("syscalls", 2)]
    [InlineData("token-ring", 4)]
    public void A_wrong_trace_is_still_rejected_and_the_report_names_the_furthest_any_choice_got(string name, int procs)
    {
        // Random walks of the model (which the greedy choice accepts), each with one queue event made wrong. Some such
        // traces still refine the model (a head one higher is right if a thief's steal, recorded later, went first),
        // so only those the greedy choice rejects count. The search tries the other choices too; it rejects the trace,
        // and reports the greedy choice's violation unless another choice explained more of the trace before failing.
        var w = Corpus.Get(name);
        var config = new SchedConfig { Procs = procs };
        var same = 0;
        for (var seed = 0; seed < 8; seed++)
        {
            var (trace, _) = ModelTraces.RandomWalk(w, config, seed);
            var i = Array.FindLastIndex(trace, e => e.Kind is EventKind.RunqGet or EventKind.GlobRunqPut or EventKind.RunqPut);
            if (i < 0) continue;
            trace[i] = trace[i] with { A = trace[i].A + 1 };
            var greedy = Check(w, config, trace, SearchBounds.Greedy);
            if (greedy.Violation is null) continue;
            var searched = Check(w, config, trace, SearchBounds.Default);
            Assert.NotNull(searched.Violation);
            Assert.True(searched.EventsChecked >= greedy.EventsChecked);
            if (searched.EventsChecked > greedy.EventsChecked) continue;
            Assert.Equal(greedy.Violation.Verdict, searched.Violation.Verdict);
            same++;
        }
        Assert.True(same > 0);
    }

    [Fact]
    public void The_report_names_the_deepest_point_any_alternative_reached()
    {
        // A misjudged trace with its last event made wrong: the greedy choice fails where it guessed wrong, the search
        // gets past that and fails only at the wrong event.
        var w = Corpus.Get("syscalls");
        var config = new SchedConfig { Procs = 2, Sysmon = true };
        var (trace, xStart) = MisjudgedTraces.Find(w, config).First(t => Check(w, config, t.Trace, SearchBounds.Greedy).Violation is not null);
        var last = Array.FindLastIndex(trace, e => e.Kind == EventKind.GoEnd);
        trace[last] = trace[last] with { G = trace[last].G + 1000 };
        var greedy = Check(w, config, trace, SearchBounds.Greedy).Violation!;
        var searched = Check(w, config, trace, SearchBounds.Default).Violation!;
        Assert.InRange(greedy.EventIndex, xStart, last - 1);
        Assert.Equal(last, searched.EventIndex);
        Assert.Contains($"event {last} (", searched.Message);
    }

    [Fact]
    public void A_search_with_no_alternatives_pending_is_the_greedy_choice()
    {
        var w = Corpus.Get("syscalls");
        var config = new SchedConfig { Procs = 2, Sysmon = true };
        var (trace, _) = MisjudgedTraces.Find(w, config).First(t => Check(w, config, t.Trace, SearchBounds.Greedy).Violation is not null);
        Assert.NotNull(Check(w, config, trace, new SearchBounds(MaxPending: 0)).Violation);
        Assert.NotNull(Check(w, config, trace, new SearchBounds(MaxBacktracks: 0)).Violation);
        Assert.Null(Check(w, config, trace, new SearchBounds(MaxPending: 1, Horizon: 4)).Violation);
    }
}
