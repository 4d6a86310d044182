using Conformance.Campaigns;
using Model.Workload;

namespace Conformance.Tests.Campaigns;

/// <summary>The refinement checker accepts the real runtime's traces of the fixed corpus (workloads/ and ours).</summary>
[Collection("native runtime")]
public class CorpusTests
{
    public static TheoryData<string> CorpusNames() => Corpus.Names();

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Every_real_trace_of_the_corpus_refines_the_model_on_one_P(string name)
    {
        var w = Corpus.Get(name);
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            var r = Conformer.Check(RunSpec.Of(w, 1, seed));
            Assert.True(r.Conforms, $"{name}, seed {seed}: {r.Verdict}");
            Assert.Equal(r.Trace.Length, r.EventsChecked);
            Assert.True(r.Trace.Length > 10);
        }
    }

    /// <summary>Several Ps.</summary>
    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Every_real_trace_of_the_corpus_refines_the_model_on_several_Ps(string name)
    {
        var w = Corpus.Get(name);
        foreach (var procs in new[] { 2, 4 })
        {
            foreach (var seed in new ulong[] { 1, 2, 3 })
            {
                var r = Conformer.Check(RunSpec.Of(w, procs, seed));
                Assert.True(r.Conforms, $"{name}, {procs} Ps, seed {seed}: {r.Verdict}");
                Assert.Equal(r.Trace.Length, r.EventsChecked);
            }
        }
    }

    [Fact]
    public void Syscalls_conform_on_both_exit_paths()
    {
        // One syscall: the controlled runtime decides whether the P was lost while the g blocked (sysmon's retake).
        // Either way the trace must refine the model, and the seeds must cover both the fast and the slow exit.
        var w = WorkloadParser.Parse("main {\n  go c\n  syscall 1\n  yield\n}\nc {\n  yield\n}\n");
        int fast = 0, slow = 0;
        for (ulong seed = 1; seed <= 12; seed++)
        {
            var r = Conformer.Check(RunSpec.Of(w, 1, seed));
            Assert.True(r.Conforms, $"seed {seed}: {r.Verdict}");
            foreach (var e in r.Trace)
            {
                if (e.Kind != EventKind.GoSysExit) continue;
                if (e.A == 1) fast++; else slow++;
            }
        }
        Assert.True(fast > 0, "no seed took the fast path");
        Assert.True(slow > 0, "no seed took the slow path");
    }
}
