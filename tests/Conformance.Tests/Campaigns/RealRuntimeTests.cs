using Checker.Tests;
using Conformance.Campaigns;
using Conformance.Cli;
using Conformance.Replay;
using Conformance.Generators;
using Model.Workload;

namespace Conformance.Tests.Campaigns;

/// <summary>The checker against the real native runtime: replay, the corpus, the mutation score.</summary>
[Collection("native runtime")]
public class RealRuntimeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_replay_token_reproduces_its_verdict(int procs)
    {
        foreach (var (seed, w) in new[] { (11UL, Corpus.Get("example")), (5UL, WorkloadGen.Sample(WorkloadGen.SemaphoreHandoff, 10, 4, 1)[0]) })
        {
            var first = Conformer.Check(RunSpec.Of(w, procs, seed));
            var token = ReplayToken.Decode(first.Token.Encode());
            Assert.Equal(BuildId.Current, token.Build);
            var again = Conformer.Check(RunSpec.From(token));
            Assert.Equal(first.Signature, token.Verdict);
            Assert.Equal(first.Signature, again.Signature);
            Assert.Equal(first.Trace.Length, again.Trace.Length);
            Assert.Equal(first.Trace.Select(e => (e.Kind, e.M, e.P, e.G)), again.Trace.Select(e => (e.Kind, e.M, e.P, e.G)));
            // The same seed without the recorded choices makes the same choices.
            Assert.Equal(first.Signature, Conformer.Check(RunSpec.Of(w, procs, seed)).Signature);
            Assert.Equal(first.Conforms ? CheckerCli.ExitOk : CheckerCli.ExitViolation, ReplayCommand.Run(first.Token.Encode(), null));
        }
    }

    [DiagnosticBuildFact]
    public void A_mutants_replay_token_reproduces_the_mutants_verdict()
    {
        var w = Corpus.Get("example");
        var first = Conformer.Check(RunSpec.Of(w, 1, 3, "RunqPutIgnoresNext"));
        Assert.False(first.Conforms);
        var token = ReplayToken.Decode(first.Token.Encode());
        Assert.Equal("RunqPutIgnoresNext", token.Mutant);
        Assert.Equal(first.Signature, Conformer.Check(RunSpec.From(token)).Signature);
    }

    [DiagnosticBuildFact]
    public void A_recycled_g_whose_gobuf_was_not_cleared_is_seen_in_its_state()
    {
        const int procs = 1;
        // d's exit from inside a call saves the call's frame pointer in its gobuf and gfput keeps the dead g; main,
        // readied by d's release, then creates e, and newproc1 reuses d's g.
        var w = WorkloadParser.Parse("main {\n  go d\n  acquire s\n  go e\n  yield\n}\nd { release s; call 64 { exit } }\ne { work 1 }\n");
        Assert.True(Conformer.Check(RunSpec.Of(w, procs, 1)).Conforms);
        var r = Conformer.Check(RunSpec.Of(w, procs, 1, "NewProc1KeepsSched"));
        Assert.False(r.Conforms);
        Assert.Contains("sched.bp", r.Violation!.Message);
    }

    [DiagnosticBuildFact]
    public void The_mutation_run_kills_every_mutant()
    {
        Assert.True(Mutants.Names.Count >= 12, $"only {Mutants.Names.Count} mutants: {string.Join(", ", Mutants.Names)}");
        // In worker processes: one mutant crashes the runtime by design.
        using var pool = new Conformance.Isolation.WorkerPool();
        var results = MutationRun.Run(Mutants.Names, 1, TimeSpan.FromSeconds(15), 300, check: pool.Check, parallelism: pool.Size);
        var survivors = results.Where(r => !r.Killed).Select(r => r.Mutant).ToList();
        Assert.True(survivors.Count == 0, "survived: " + string.Join(", ", survivors));
        Assert.All(results, r => Assert.True(r.TimeToDetection < TimeSpan.FromSeconds(15), $"{r.Mutant}: {r.TimeToDetection}"));
    }
}
