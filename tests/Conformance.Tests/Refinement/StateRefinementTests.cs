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
    private static (RunSpec Spec, RunResult Run) RealRun(int procs = 2, string workload = "example")
    {
        var spec = RunSpec.Of(Corpus.Get(workload), procs, 11);
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
    public void A_channel_run_conforms_at_the_level_of_state_with_every_hchan_compared()
    {
        var (spec, run) = RealRun(procs: 1, workload: "chan-mix");
        var r = Conformer.Judge(spec, run);
        Assert.True(r.Violation is null, r.Violation?.Verdict);
        Assert.Contains(run.Snapshots!, s => s.Chans.Any(c => c is { SendQ.Length: > 0, QCount: 2 }));
        Assert.Contains(run.Snapshots!, s => s.Chans.Any(c => c is { RecvQ.Length: > 0, DataQSiz: 2 }));
    }

    [Fact]
    public void A_buffered_value_out_of_place_is_a_state_mismatch_naming_the_channel_row()
    {
        var (spec, run) = RealRun(procs: 1, workload: "chan-mix");
        // The same values, the sender's own order kept, but the oldest one replaced: only the state shows it.
        var corrupted = run.Snapshots!.Select(s => s with
        {
            Chans = [.. s.Chans.Select(c => c is { Buffer.Length: 1 } ? c with { Buffer = [c.Buffer[0] + 0x100] } : c)],
        }).ToList();
        var r = Conformer.Judge(spec, run with { Snapshots = corrupted });
        Assert.NotNull(r.Violation);
        Assert.Equal(ViolationKind.StateMismatch, r.Violation!.Kind);
        Assert.Contains("chan c.buf", r.Violation.Message);
    }

    [Fact]
    public void A_waiter_missing_from_a_channel_queue_is_a_state_mismatch()
    {
        var (spec, run) = RealRun(procs: 1, workload: "chan-mix");
        var corrupted = run.Snapshots!.Select(s => s with
        {
            Chans = [.. s.Chans.Select(c => c is { Index: 1, RecvQ.Length: 1 } ? c with { RecvQ = [] } : c)],
        }).ToList();
        var r = Conformer.Judge(spec, run with { Snapshots = corrupted });
        Assert.NotNull(r.Violation);
        Assert.Equal(ViolationKind.StateMismatch, r.Violation!.Kind);
        Assert.Contains("chan d.recvq", r.Violation.Message);
        Assert.Contains("waitq.dequeue", r.Violation.Message);
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

    /// <summary>Each invariant at rest, broken in the real snapshots of one run by changing what it speaks of.</summary>
    public static TheoryData<string> Invariants() => [.. SnapshotInvariants.Names];

    private static RuntimeSnapshot Break(string invariant, RuntimeSnapshot s) => invariant switch
    {
        SnapshotInvariants.B1 => s with { Gs = [.. s.Gs.Select(g => g.Status == GStatus.Idle ? g : g with { Sched = g.Sched with { G = 0x1230 } })] },
        SnapshotInvariants.B2 => s with { Gs = [.. s.Gs.Select(g => g.Shadow is { } sh ? g with { Shadow = sh with { Bp = g.StackHi - 64 } } : g)] },
        SnapshotInvariants.B3 => s with { Gs = [.. s.Gs.Select(g => g.Status is GStatus.Runnable or GStatus.Waiting ? g with { Sched = g.Sched with { Sp = g.StackLo - 8 } } : g)] },
        SnapshotInvariants.B5 => s with { Gs = [.. s.Gs.Select(g => g.Status == GStatus.Syscall ? g with { SyscallSp = 0 } : g)] },
        SnapshotInvariants.DeadHasNoM => s with { Gs = [.. s.Gs.Select(g => g.Status == GStatus.Dead ? g with { M = 0 } : g)] },
        SnapshotInvariants.StackGuard => s with { Gs = [.. s.Gs.Select(g => g with { StackGuard0 = g.StackGuard0 + 8 })] },
        SnapshotInvariants.CurgPointsBack => s with { Ms = [.. s.Ms.Select(m => m.Curg != 0 ? m with { Curg = 999 } : m)] },
        SnapshotInvariants.QueuedIsRunnableOnce => s with { GlobalRunQ = [.. s.GlobalRunQ, 1] },
        SnapshotInvariants.FreeIsDeadOnce => s with { GFree = [.. s.GFree, 1] },
        SnapshotInvariants.RingBounds => s with { Ps = [.. s.Ps.Select(p => p with { Tail = p.Head + 300 })] },
        SnapshotInvariants.IdlePHasEmptyQueue => s with { Ps = [.. s.Ps.Select(p => p with { Status = PStatus.Idle, OnPidle = true, Ring = [], RunNext = 0, Tail = p.Head + 1 })] },
        SnapshotInvariants.ChanQCount => s with { Chans = [.. s.Chans.Select(c => c is { DataQSiz: > 0 } ? c with { QCount = c.QCount + 1 } : c)] },
        // A receiver waiting on the unbuffered channel gets a live sender of another g beside it.
        SnapshotInvariants.ChanNoBothQueues => s with { Chans = [.. s.Chans.Select(c => c is { RecvQ.Length: > 0 } ? c with { SendQ = [.. c.RecvQ.Select(w => w with { Goid = w.Goid + 1000 })] } : c)] },
        // A buffer holding values (no sender waiting) gets a waiting receiver.
        SnapshotInvariants.ChanBufferVsWaiters => s with { Chans = [.. s.Chans.Select(c => c is { QCount: > 0, SendQ.Length: 0 } ? c with { RecvQ = [new WaiterSnapshot(1, false, -1)] } : c)] },
        // The unbuffered channel's queue gets a sudog of a g that is not waiting.
        SnapshotInvariants.ChanSudogWaits => s.Gs.FirstOrDefault(g => g.Status is GStatus.Running or GStatus.Runnable) is { } busy
            ? s with { Chans = [.. s.Chans.Select(c => c is { DataQSiz: 0 } ? c with { RecvQ = [.. c.RecvQ, new WaiterSnapshot(busy.Goid, false, -1)] } : c)] }
            : s,
        SnapshotInvariants.ChanBufferInSendOrder => s with { Chans = [.. s.Chans.Select(c => c is { Buffer.Length: >= 2 } ? c with { Buffer = [.. c.Buffer.Reverse()] } : c)] },
        _ => throw new ArgumentException(invariant),
    };

    [Theory]
    [MemberData(nameof(Invariants))]
    public void Each_invariant_at_rest_is_seen_to_fail_on_real_snapshots_broken_where_it_looks(string invariant)
    {
        // The channel invariants look at hchans: a workload that has them, in the states they speak of.
        var (spec, run) = RealRun(procs: 1, workload: invariant.StartsWith('C') ? "chan-mix" : "example");
        var r = Conformer.Judge(spec, run with { Snapshots = [.. run.Snapshots!.Select(s => Break(invariant, s))] });
        Assert.NotNull(r.Violation);
        Assert.Equal(ViolationKind.InvariantBroken, r.Violation!.Kind);
        Assert.Equal(invariant, r.Violation.Invariant);
    }
}
