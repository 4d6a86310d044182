using Conformance.Refinement;
using Implementation.Trace;
using Model;
using Model.Workload;
using Outcome = Conformance.Refinement.Outcome;

namespace Conformance.Tests.Refinement;

/// <summary>
/// The refinement checker on traces with known answers: the model's own traces (which must refine it) and the same
/// traces with one event made wrong (which must not, and the violation must name that event).
/// </summary>
public class RefinementCheckerTests
{
    private static RefinementChecker.Verdict Check(Workload w, IReadOnlyList<TraceEvent> trace, int procs = 1, Outcome? outcome = null) =>
        new RefinementChecker(w, new SchedConfig { Procs = procs }).Check(trace, Abstraction.Identity, outcome);

    public static TheoryData<string> CorpusNames() => Corpus.Names();

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void The_models_own_one_P_trace_refines_the_model(string name)
    {
        var w = Corpus.Get(name);
        // A select that sees two ready cases (select-race) is a choice even on one P: then a seeded walk of the model.
        TraceEvent[] trace;
        try { trace = ModelTraces.OneP(w); }
        catch (InvalidOperationException e) when (e.Message.StartsWith("not deterministic", StringComparison.Ordinal))
        {
            trace = ModelTraces.RandomWalk(w, new SchedConfig { Procs = 1 }, seed: 1).Trace;
        }
        var v = Check(w, trace);
        Assert.True(v.Violation is null, v.Violation?.Verdict);
        Assert.Equal(trace.Length, v.EventsChecked);
    }

    [Theory]
    [InlineData("example", 2)]
    [InlineData("example", 4)]
    [InlineData("pingpong", 2)]
    [InlineData("spill", 2)]
    [InlineData("runnext-chain", 4)]
    [InlineData("token-ring", 2)]
    [InlineData("syscalls", 2)]
    public void Random_walks_of_the_model_on_several_Ps_refine_it(string name, int procs)
    {
        var w = Corpus.Get(name);
        for (var seed = 0; seed < 5; seed++)
        {
            var (trace, _) = ModelTraces.RandomWalk(w, new SchedConfig { Procs = procs }, seed);
            var v = Check(w, trace, procs);
            Assert.True(v.Violation is null, $"seed {seed}: {v.Violation?.Verdict}");
            Assert.Equal(trace.Length, v.EventsChecked);
        }
    }

    /// <summary>For each kind of event in the traces, the first event of that kind made wrong in one argument.</summary>
    public static TheoryData<string, EventKind> WrongEvents()
    {
        var data = new TheoryData<string, EventKind>();
        foreach (var name in new[] { "example", "spill", "exit-depth", "deadlock", "syscalls" })
        {
            var kinds = ModelTraces.OneP(Corpus.Get(name)).Select(e => e.Kind).Distinct();
            foreach (var k in kinds) data.Add(name, k);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WrongEvents))]
    public void One_wrong_event_of_each_kind_is_rejected_and_named(string name, EventKind kind)
    {
        var w = Corpus.Get(name);
        var trace = ModelTraces.OneP(w);
        // The last event of that kind: earlier ones are often the boot's, which every later step depends on.
        var i = Array.FindLastIndex(trace, e => e.Kind == kind);
        trace[i] = Corrupt(trace[i]);
        var v = Check(w, trace).Violation;
        Assert.NotNull(v);
        Assert.Equal(i, v.EventIndex);
        Assert.Contains($"event {i} (", v.Message);
        Assert.Equal(trace[i], v.Event);
        Assert.NotNull(v.ModelState);
        Assert.NotNull(v.RuntimeState);
    }

    /// <summary>A change the model can never agree with: another goid, or (for events about no g) another argument.</summary>
    private static TraceEvent Corrupt(TraceEvent e) => e.Kind switch
    {
        EventKind.PStatus => e with { B = e.B == 0 ? 4 : 0 },
        EventKind.SemCount => e with { B = e.B + 7 },
        EventKind.GobufSave => e with { B = e.B + 1 },
        EventKind.GobufLoad => e with { A = e.A + 1 },
        EventKind.RunqPut => e with { B = e.B + 1 },
        EventKind.RunqGet => e with { A = e.A + 3 },
        EventKind.Status => e with { C = e.C + 1 },
        _ => e with { G = e.G + 1000 },
    };

    [Fact]
    public void A_dropped_event_is_found_where_it_should_have_been()
    {
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w).ToList();
        var i = trace.FindIndex(e => e.Kind == EventKind.RunqPut);
        var dropped = trace[i];
        trace.RemoveAt(i);
        var v = Check(w, trace).Violation;
        Assert.NotNull(v);
        Assert.Equal(ViolationKind.TraceMismatch, v.Kind);
        Assert.Equal(i, v.EventIndex);
        Assert.Contains("RunqPut", v.Expected);
        Assert.NotEqual(dropped, v.Event);
    }

    [Fact]
    public void An_illegal_status_edge_is_an_invariant_violation_naming_the_edge()
    {
        var w = Corpus.Get("pingpong");
        var trace = ModelTraces.OneP(w);
        var i = Array.FindIndex(trace, e => e.Kind == EventKind.Status && e.A == (long)GStatus.Waiting && e.B == (long)GStatus.Runnable);
        trace[i] = trace[i] with { B = (long)GStatus.Running, C = 0 };
        var v = Check(w, trace).Violation!;
        Assert.Equal(ViolationKind.InvariantBroken, v.Kind);
        Assert.Equal(i, v.EventIndex);
        Assert.Contains("Waiting -> Running is not an edge", v.Message);
        Assert.Equal("every status change is a legal edge (Transitions.cs)", v.Invariant);
        // The report's two states disagree exactly on that g's status.
        var g = trace[i].G;
        Assert.Equal("Runnable", v.ModelState![$"g{g}.status"]);
        Assert.Equal("Running", v.RuntimeState![$"g{g}.status"]);
    }

    [Fact]
    public void Events_after_the_models_end_do_not_refine()
    {
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w).ToList();
        trace.Add(trace[^1] with { Seq = trace[^1].Seq + 1 });
        var v = Check(w, trace).Violation!;
        Assert.Equal(trace.Count - 1, v.EventIndex);
        Assert.Contains("the model's run has ended", v.Message);
    }

    [Fact]
    public void A_trace_out_of_sequence_order_is_a_runtime_fault()
    {
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w);
        (trace[3], trace[4]) = (trace[4] with { Seq = trace[3].Seq }, trace[3] with { Seq = trace[4].Seq });
        trace[4] = trace[4] with { Seq = 1 };
        var v = Check(w, trace).Violation!;
        Assert.Equal(ViolationKind.RuntimeFault, v.Kind);
        Assert.Equal(4, v.EventIndex);
    }

    [Fact]
    public void The_outcome_must_agree()
    {
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w);
        var right = ModelTraces.CompletedOutcome(trace);
        Assert.Null(Check(w, trace, outcome: right).Violation);

        var blocked = new Outcome(OutcomeKind.Deadlock, right.Finished.Remove(1), System.Collections.Immutable.ImmutableSortedDictionary<long, string>.Empty.Add(1, "done"));
        var v = Check(w, trace, outcome: blocked).Violation!;
        Assert.Equal(ViolationKind.OutcomeMismatch, v.Kind);
        Assert.Contains("the model ends in Completed, the runtime in Deadlock", v.Message);
        Assert.Contains("g1 blocked on nothing in the model, on done in the runtime", v.Message);
    }

    [Fact]
    public void A_runtime_that_stops_mid_run_does_not_conform_even_when_it_reports_a_fatal_error()
    {
        // A runtime that throws (or hangs) records nothing after the point where it stopped. Whatever it says about
        // itself (here: a fatal error, with the same goroutines finished and blocked as the model's state at the cut),
        // the model's run had not ended there, so this is a violation, never "both fatal".
        var w = Corpus.Get("example");
        var trace = ModelTraces.OneP(w);
        // Cut at a step boundary near the middle (a cut inside a step is a different violation: a step half done).
        var length = trace.Count() / 2;
        while (Check(w, trace.Take(length).ToList()).Violation is not null) length++;
        var cut = trace.Take(length).ToList();
        var cutVerdict = Check(w, cut);
        Assert.Equal(OutcomeKind.Incomplete, cutVerdict.ModelOutcome.Kind);
        var fatal = cutVerdict.ModelOutcome with { Kind = OutcomeKind.Fatal, Detail = "runtime: something threw" };
        var v = Check(w, cut, outcome: fatal).Violation;
        Assert.NotNull(v);
        Assert.Equal(ViolationKind.OutcomeMismatch, v!.Kind);
        Assert.Contains("the model ends in Incomplete, the runtime in Fatal", v.Message);
    }

    [Fact]
    public void A_deadlock_is_an_outcome_both_sides_can_agree_on()
    {
        var w = Corpus.Get("deadlock");
        var trace = ModelTraces.OneP(w);
        var checker = new RefinementChecker(w, new SchedConfig { Procs = 1 });
        var v = checker.Check(trace, Abstraction.Identity, null);
        Assert.Null(v.Violation);
        Assert.Equal(OutcomeKind.Deadlock, v.ModelOutcome.Kind);
        Assert.Equal(["never", "never"], v.ModelOutcome.Blocked.Values);
        Assert.Null(checker.Check(trace, Abstraction.Identity, v.ModelOutcome).Violation);
    }

    [Fact]
    public void On_several_Ps_a_step_on_the_wrong_P_is_not_enabled()
    {
        var w = Corpus.Get("example");
        var (trace, _) = ModelTraces.RandomWalk(w, new SchedConfig { Procs = 2 }, 3);
        var i = Array.FindLastIndex(trace, e => e.Kind == EventKind.RunqGet);
        trace[i] = trace[i] with { P = (short)(1 - trace[i].P) };
        var v = Check(w, trace, 2).Violation!;
        // The search reports where the alternative that explained the most failed: at the corrupted event, or later
        // when another M's step could take its place for a while.
        Assert.InRange(v.EventIndex, i, trace.Length - 1);
        Assert.NotEqual(ViolationKind.TraceMismatch, v.Kind);
        Assert.Null(Check(w, ModelTraces.RandomWalk(w, new SchedConfig { Procs = 2 }, 3).Trace, 2).Violation);
    }
}
