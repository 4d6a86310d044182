using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation;
using Implementation.Snapshots;

namespace Conformance.Tests.Refinement;

/// <summary>
/// The state check sees what no event shows: a real run conforms, and the same run with one field of its snapshots
/// changed does not, with the field named.
/// </summary>
[Collection("native runtime")]
public class StateRefinementTests
{
    private static (RunSpec Spec, RunResult Run) RealRun(int procs = 2)
    {
        var spec = RunSpec.Of(Corpus.Get("example"), procs, 11);
        return (spec, GoRuntime.Run(spec.Workload, Conformer.OptionsFor(spec)));
    }

    [Fact]
    public void A_real_run_conforms_at_the_level_of_state_and_its_snapshots_are_compared()
    {
        var (spec, run) = RealRun();
        Assert.NotNull(run.Snapshots);
        Assert.NotEmpty(run.Snapshots!);
        var r = Conformer.Judge(spec, run);
        Assert.True(r.Violation is null, r.Violation?.Verdict);
    }

    [Fact]
    public void A_schedtick_the_runtime_did_not_count_is_a_state_mismatch_naming_the_field()
    {
        var (spec, run) = RealRun();
        var corrupted = run.Snapshots!.Select(s => s with { Ps = [.. s.Ps.Select(p => p.Id == 0 ? p with { SchedTick = p.SchedTick + 1000 } : p)] }).ToList();
        var r = Conformer.Judge(spec, run with { Snapshots = corrupted });
        Assert.NotNull(r.Violation);
        Assert.Equal(ViolationKind.StateMismatch, r.Violation!.Kind);
        Assert.Contains("p0.schedtick", r.Violation.Message);
        Assert.Contains("execute increments it", r.Violation.Message);
        // The report's two states come from the model and the snapshot, with the differing row marked.
        Assert.Contains(StateView.Diff(r.Violation.ModelState!, r.Violation.RuntimeState!), row => row.Key == "p0.schedtick" && row.Differs);
    }

    [Fact]
    public void A_dead_g_that_keeps_its_m_breaks_an_invariant_at_rest()
    {
        // One P: every step ends where the runtime took a snapshot, so the first worker's death is seen at rest.
        var (spec, run) = RealRun(procs: 1);
        var corrupted = run.Snapshots!.Select(s => s with
        {
            Gs = [.. s.Gs.Select(g => g.Status == GStatus.Dead ? g with { M = 0 } : g)],
        }).ToList();
        var r = Conformer.Judge(spec, run with { Snapshots = corrupted });
        Assert.NotNull(r.Violation);
        Assert.Equal(ViolationKind.InvariantBroken, r.Violation!.Kind);
        Assert.Equal(SnapshotInvariants.DeadHasNoM, r.Violation.Invariant);
    }
}
