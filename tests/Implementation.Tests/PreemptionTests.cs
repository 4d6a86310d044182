using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>
/// Free-running cooperative preemption (Sched.Preempt.cs): the real sysmon preempts a g that keeps its P for 10 ms
/// (forcePreemptNS) at its next checked prologue, and the g goes to the global run queue; a <c>work</c> loop has no
/// prologue inside, so a g spinning in one is asked but never preempted (Go before 1.14).
/// </summary>
[Collection("native runtime")]
public class PreemptionTests
{
    /// <summary>On one P: a chain of calls that runs about 50 ms or more (every iteration enters two checked prologues), and
    /// a ticker that can only run when the chain gives the P up.</summary>
    private const string ChainAndTicker =
        "main { go chain; go ticker; acquire done; acquire done }\n" +
        "chain { repeat 50000 { call 256 { call 512 { work 2000 } } }; release done }\n" +
        "ticker { repeat 3 { yield }; release done }";

    [Fact]
    public void Sysmon_preempts_a_long_call_chain_at_a_prologue_and_the_g_goes_to_the_global_queue()
    {
        var r = Run(ChainAndTicker, procs: 1, trace: true);
        Assert.Equal(RunOutcome.Completed, r.Outcome);
        var trace = r.Trace!.ToList();
        var preempts = trace.Where(e => e.Kind == EventKind.GoPreempt).ToList();
        Assert.NotEmpty(preempts);
        var chain = preempts[0].G;
        Assert.All(preempts, e => Assert.Equal(chain, e.G)); // the ticker yields; main parks: neither runs 10 ms
        // sysmon's request came first, from sysmon's own M (no P of its own: the event names the P preempted).
        var first = trace.IndexOf(preempts[0]);
        Assert.Contains(trace.Take(first), e => e.Kind == EventKind.PreemptRequest && e.G == chain && e.A == 0);
        // goschedImpl: E7, then globrunqput; the ticker runs before the chain's g is started again.
        var rest = trace.Skip(first + 1).ToList();
        var put = rest.First(e => e.G == chain && e.Kind is EventKind.GlobRunqPut or EventKind.RunqPut or EventKind.RunnextPut);
        Assert.Equal(EventKind.GlobRunqPut, put.Kind);
        var status = trace.Take(first).Last(e => e.Kind == EventKind.Status && e.G == chain);
        Assert.Equal(7, status.C);
    }

    [Fact]
    public void A_work_loop_without_calls_is_asked_but_never_preempted()
    {
        var r = Run("main { go spin; acquire done }\nspin { work 60000000; release done }", procs: 1, trace: true);
        Assert.Equal(RunOutcome.Completed, r.Outcome);
        var trace = r.Trace!.ToList();
        Assert.Contains(trace, e => e.Kind == EventKind.PreemptRequest);
        Assert.DoesNotContain(trace, e => e.Kind == EventKind.GoPreempt);
    }
}
