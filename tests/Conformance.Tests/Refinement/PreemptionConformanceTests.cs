using Checker.Tests;
using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>
/// Cooperative preemption conforms, events and states: in controlled runs sysmon's preemptone is a recorded choice at
/// the points where a g resumes user code, and the model's Preempt action is the same choice. The request
/// (PreemptRequest, gp.preempt, stackguard0 = stackPreempt) is compared in every snapshot; its delivery at the next
/// checked prologue is morestack's save at that prologue, GoPreempt, E7 and the global run queue, and the g later
/// resumes at the same prologue, which passes (or grows the stack).
/// </summary>
[Collection("native runtime")]
public class PreemptionConformanceTests
{
    /// <summary>A chain of calls between runtime ops (each op's return is a point where sysmon may ask), a fresh g
    /// whose entry prologue may be the one to deliver it, and frames that grow the stack after a preemption.</summary>
    private const string Chains =
        "main { go chain; go chain; go ticker; repeat 3 { acquire done } }\n" +
        "chain { repeat 6 { call 256 { call 512 { work 20 } }; go leaf }; call 3000 { work 1 }; release done }\n" +
        "leaf { call 64 { work 1 } }\n" +
        "ticker { repeat 5 { yield; call 128 { work 10 } }; release done }";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Preemption_conforms_and_happens(int procs)
    {
        var preempted = 0;
        for (ulong seed = 1; seed <= 12; seed++)
        {
            var r = Conformer.Check(RunSpec.Of(WorkloadParser.Parse(Chains), procs, seed));
            Assert.True(r.Conforms, $"seed {seed}: {r.Verdict}");
            Assert.Equal(OutcomeKind.Completed, r.RuntimeOutcome!.Kind);
            var trace = r.Trace.ToList();
            for (var i = 0; i < trace.Count; i++)
            {
                if (trace[i].Kind != EventKind.GoPreempt) continue;
                preempted++;
                var g = trace[i].G;
                // A request came first, for this g, and the g went to the global queue (goschedImpl), not the local one.
                Assert.Contains(trace.Take(i), e => e.Kind == EventKind.PreemptRequest && e.G == g);
                var put = trace.Skip(i + 1).First(e => e.G == g && e.Kind is EventKind.GlobRunqPut or EventKind.RunqPut or EventKind.RunnextPut);
                Assert.Equal(EventKind.GlobRunqPut, put.Kind);
                // morestack saved the pc of the prologue that delivered it (a GobufSave for this g just before).
                var save = trace.Take(i).Last(e => e.G == g && e.Kind == EventKind.GobufSave);
                Assert.Equal((long)McallReason.Morestack, save.D);
            }
        }
        Assert.True(preempted >= 3, $"only {preempted} preemptions in 12 runs on {procs} P(s)");
    }

    [Fact]
    public void The_campaigns_preemption_shape_is_preempted_and_conforms()
    {
        var preempted = 0;
        var grownAfter = 0;
        var workloads = Conformance.Generators.WorkloadGen.Sample(Conformance.Generators.WorkloadGen.PreemptCallChain, 8, 9, 24);
        var k = 0;
        foreach (var w in workloads)
        {
            var procs = new[] { 1, 2, 4 }[k % 3];
            var r = Conformer.Check(RunSpec.Of(w, procs, (ulong)++k));
            Assert.True(r.Conforms, $"{w}\non {procs} P(s): {r.Verdict}");
            var trace = r.Trace.ToList();
            preempted += trace.Count(e => e.Kind == EventKind.GoPreempt);
            // A g preempted at the 3000-byte call's prologue grows when it resumes there.
            for (var i = 0; i < trace.Count; i++)
                if (trace[i].Kind == EventKind.GoPreempt
                    && trace.Skip(i).FirstOrDefault(e => e.G == trace[i].G && e.Kind is EventKind.StackGrow or EventKind.GoEnd) is { Kind: EventKind.StackGrow })
                    grownAfter++;
        }
        Assert.True(preempted >= 5, $"only {preempted} preemptions in {k} runs");
        Assert.True(grownAfter >= 1, "no g grew its stack after a preemption");
    }

    /// <summary>The preemption path's seeded bugs: gopreempt_m's local queue, an execute that keeps the request, a
    /// newstack that keeps the ctxt morestack saved at a call's prologue (seen only in the state at rest).</summary>
    [DiagnosticBuildTheory]
    [InlineData(nameof(Mutant.PreemptToLocalQueue))]
    [InlineData(nameof(Mutant.ExecuteKeepsPreempt))]
    [InlineData(nameof(Mutant.NewStackKeepsCtxt))]
    public void A_seeded_preemption_bug_is_caught(string mutant)
    {
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var r = Conformer.Check(RunSpec.Of(WorkloadParser.Parse(Chains), 2, seed, mutant));
            if (!r.Conforms) return;
        }
        Assert.Fail($"{mutant} survived 40 runs of the chains workload on 2 Ps");
    }

    [DiagnosticBuildFact]
    public void A_morebuf_sp_8_bytes_high_is_caught_at_the_first_morestack()
    {
        var r = Conformer.Check(RunSpec.Of(WorkloadParser.Parse("main { call 3000 { work 1 } }"), 1, 1, nameof(Mutant.MorebufSpHigh)));
        Assert.False(r.Conforms);
        Assert.Contains("morebuf.sp", r.Verdict, StringComparison.Ordinal);
    }
}
