using Model.Workload;

namespace Model.Tests;

/// <summary>Status numbers, the edge table, and that the model takes every modelled edge and no other.</summary>
public class TransitionsTests
{
    [Fact]
    public void Statuses_have_Go_numbers()
    {
        Assert.Equal([0u, 1, 2, 3, 4, 5, 6, 7, 8, 9], new[]
        {
            GStatus.Idle, GStatus.Runnable, GStatus.Running, GStatus.Syscall, GStatus.Waiting, GStatus.MoribundUnused,
            GStatus.Dead, GStatus.EnqueueUnused, GStatus.CopyStack, GStatus.Preempted,
        }.Select(s => (uint)s));
        Assert.Equal([0x1000u, 0x1001, 0x1002, 0x1003, 0x1004, 0x1009], new[]
        {
            GStatus.Scan, GStatus.ScanRunnable, GStatus.ScanRunning, GStatus.ScanSyscall, GStatus.ScanWaiting, GStatus.ScanPreempted,
        }.Select(s => (uint)s));
        Assert.Equal([0, 1, 2, 3, 4], new[] { PStatus.Idle, PStatus.Running, PStatus.Syscall, PStatus.GcStop, PStatus.Dead }.Select(s => (int)s));
        Assert.False(GStatus.MoribundUnused.IsValid());
        Assert.False(GStatus.EnqueueUnused.IsValid());
        Assert.False(((GStatus)0x1006).IsValid());
        Assert.True(GStatus.ScanWaiting.IsValid());
    }

    [Fact]
    public void The_table_numbers_its_edges_in_order_and_models_E1_to_E13()
    {
        for (var i = 0; i < Transitions.All.Count; i++) Assert.Equal(i + 1, Transitions.All[i].Number);
        Assert.All(Transitions.All.Take(13), e => Assert.True(e.Modelled, e.ToString()));
        Assert.All(Transitions.All.Skip(13), e => Assert.False(e.Modelled, e.ToString()));
        Assert.Equal("E4: _Grunnable -> _Grunning (execute)", Transitions.Get(4).ToString());
    }

    public static TheoryData<GStatus, GStatus> ForbiddenEdges()
    {
        var data = new TheoryData<GStatus, GStatus>();
        var all = Enum.GetValues<GStatus>().Where(s => s != GStatus.Scan).ToArray();
        foreach (var from in all)
            foreach (var to in all)
                if (!Transitions.IsLegal(from, to)) data.Add(from, to);
        return data;
    }

    [Theory]
    [MemberData(nameof(ForbiddenEdges))]
    public void CasGStatus_rejects_every_edge_the_reference_forbids(GStatus from, GStatus to)
    {
        var t = new TestStates();
        var g = t.NewG(from);
        var e = Assert.Throws<ModelThrowException>(() => Stepper.CasGStatus(t.Cx, g, from, to, 0));
        Assert.Equal("casgstatus: bad incoming values", e.Message);
        Assert.Equal(from, g.Status);
    }

    [Fact]
    public void The_forbidden_edges_the_reference_names_are_not_in_the_table()
    {
        Assert.False(Transitions.IsLegal(GStatus.Runnable, GStatus.Waiting));
        Assert.False(Transitions.IsLegal(GStatus.Waiting, GStatus.Running));
        Assert.False(Transitions.IsLegal(GStatus.Dead, GStatus.Running));
        Assert.False(Transitions.IsLegal(GStatus.Dead, GStatus.Waiting));
        Assert.False(Transitions.IsLegal(GStatus.Idle, GStatus.Runnable));
        Assert.DoesNotContain(Transitions.All, e => e.To is GStatus.MoribundUnused or GStatus.EnqueueUnused);
    }

    [Fact]
    public void CasGStatus_rejects_the_scan_bit_same_status_and_a_stale_old_value()
    {
        var t = new TestStates();
        var g = t.NewG(GStatus.Running);
        Assert.Throws<ModelThrowException>(() => Stepper.CasGStatus(t.Cx, g, GStatus.ScanRunning, GStatus.Running, 0));
        Assert.Throws<ModelThrowException>(() => Stepper.CasGStatus(t.Cx, g, GStatus.Running, GStatus.Running, 0));
        Assert.Throws<ModelThrowException>(() => Stepper.CasGStatus(t.Cx, g, GStatus.Runnable, GStatus.Running, 4));
        Stepper.CasGStatus(t.Cx, g, GStatus.Running, GStatus.Waiting, 5);
        Assert.Equal(GStatus.Waiting, g.Status);
    }

    [Fact]
    public void Every_modelled_edge_is_taken_by_some_step()
    {
        // One P with sysmon (so a retaken syscall exits slowly) and a frame that makes the stack grow.
        var w = WorkloadParser.Parse("""
            main {
              go a
              call 4096 { yield }
              acquire s
              syscall 1
            }
            a {
              release s
              syscall 1
            }
            """);
        var model = new SchedModel(w, new SchedConfig { Procs = 1, Sysmon = true });
        var taken = new HashSet<int>();
        var seen = new HashSet<string>();
        var queue = new Queue<SchedState>();
        queue.Enqueue(model.Initial());
        while (queue.Count > 0)
        {
            var s = queue.Dequeue();
            foreach (var a in model.Actions(s))
            {
                var (next, events) = model.Step(s, a);
                foreach (var e in events.Where(e => e.Kind == EventKind.Status)) taken.Add((int)e.C);
                if (seen.Add(Convert.ToBase64String(next.ToBytes()))) queue.Enqueue(next);
            }
        }
        // E1 (malg) is not a casgstatus and has no event: E2 follows it on every fresh g.
        Assert.Contains(Transitions.NewProcFresh, taken);
        var modelled = Transitions.All.Where(e => e.Modelled && e.Number != Transitions.Malg).Select(e => e.Number);
        Assert.Equal(modelled.Order(), taken.Order());
    }

    [Fact]
    public void The_constant_edge_table_says_what_the_edge_list_says_of_the_modelled_edges()
    {
        // Every cell of the 10 x 16 table: the number of the modelled edge between the two statuses, or 0.
        for (uint from = 0; from < 10; from++)
            for (uint to = 0; to < 16; to++)
            {
                var listed = Transitions.All.FirstOrDefault(e => e.Modelled && e.From == (GStatus)from && e.To == (GStatus)to);
                Assert.True((listed?.Number ?? 0) == Transitions.ModelledEdgeNumber((GStatus)from, (GStatus)to),
                    $"{from} -> {to}: the list says E{listed?.Number ?? 0}, the table {Transitions.ModelledEdgeNumber((GStatus)from, (GStatus)to)}");
            }
        Assert.Equal(160, Transitions.ModelledEdges.Length);
        // Scan statuses are outside the table: never a modelled edge.
        Assert.Equal(0, Transitions.ModelledEdgeNumber(GStatus.ScanRunning, GStatus.Running));
        Assert.Equal(0, Transitions.ModelledEdgeNumber(GStatus.Running, GStatus.ScanRunning));
    }
}
