namespace Model.Tests;

/// <summary>The run queue algorithms of reference §5 against hand-worked cases.</summary>
public class RunQueueTests
{
    [Fact]
    public void RunQPut_next_evicts_the_old_runnext_to_the_tail_in_order()
    {
        var t = new TestStates();
        var p = t.State.Ps[0];
        var gs = t.NewGs(4);
        foreach (var g in gs) Stepper.RunQPut(t.Cx, p, g, next: true);
        // g4 holds runnext; g1, g2, g3 were evicted one by one to the tail, oldest first.
        Assert.Equal(gs[3].Slot + 1, p.RunNext);
        Assert.Equal([0, 1, 2], p.RunQSlots());
        Assert.Equal(
        [
            new(EventKind.RunnextPut, 0, 0, 1, 0),
            new(EventKind.RunnextPut, 0, 0, 2, 1),
            new(EventKind.RunqPut, 0, 0, 1, 0, 1),
            new(EventKind.RunnextPut, 0, 0, 3, 2),
            new(EventKind.RunqPut, 0, 0, 2, 0, 2),
            new(EventKind.RunnextPut, 0, 0, 4, 3),
            new(EventKind.RunqPut, 0, 0, 3, 0, 3),
        ], t.Events);
    }

    [Fact]
    public void RunQGet_takes_runnext_first_with_inheritTime_then_the_ring_FIFO()
    {
        var t = new TestStates();
        var p = t.State.Ps[0];
        var gs = t.NewGs(3);
        Stepper.RunQPut(t.Cx, p, gs[0], next: false);
        Stepper.RunQPut(t.Cx, p, gs[1], next: false);
        Stepper.RunQPut(t.Cx, p, gs[2], next: true);
        Assert.Same(gs[2], Stepper.RunQGet(t.Cx, p, out var inherit1));
        Assert.True(inherit1);
        Assert.Same(gs[0], Stepper.RunQGet(t.Cx, p, out var inherit2));
        Assert.False(inherit2);
        Assert.Same(gs[1], Stepper.RunQGet(t.Cx, p, out _));
        Assert.Null(Stepper.RunQGet(t.Cx, p, out _));
        Assert.Equal(2u, p.Head);
        Assert.Equal(2u, p.Tail);
    }

    [Fact]
    public void RunQPut_when_full_spills_the_128_oldest_plus_the_new_g_FIFO_to_the_global_queue()
    {
        var t = new TestStates();
        var p = t.State.Ps[0];
        var gs = t.NewGs(257);
        for (var i = 0; i < 256; i++) Stepper.RunQPut(t.Cx, p, gs[i], next: false);
        Assert.Equal(256u, p.Length);
        t.Events.Clear();
        Stepper.RunQPut(t.Cx, p, gs[256], next: false);
        Assert.Equal(129, t.State.RunQSize);
        Assert.Equal(Enumerable.Range(0, 128).Append(256), t.State.GlobalRunQ);
        Assert.Equal(128u, p.Head);
        Assert.Equal(256u, p.Tail);
        Assert.Equal(Enumerable.Range(128, 128), p.RunQSlots());
        Assert.Equal([new SchedEvent(EventKind.RunqPutSlow, 0, 0, 257, 129, 128, 129)], t.Events);
    }

    [Fact]
    public void RunQPutSlow_refuses_a_ring_that_is_not_full()
    {
        var t = new TestStates();
        var p = t.State.Ps[0];
        var g = t.NewG();
        var e = Assert.Throws<ModelThrowException>(() => Stepper.RunQPutSlow(t.Cx, p, g, 0, 100));
        Assert.Equal("runqputslow: queue is not full", e.Message);
    }

    [Fact]
    public void Ring_indices_run_freely_and_wrap_at_2_to_the_32()
    {
        var t = new TestStates();
        var p = t.State.Ps[0];
        p.Head = p.Tail = uint.MaxValue - 1;
        var gs = t.NewGs(4);
        foreach (var g in gs) Stepper.RunQPut(t.Cx, p, g, next: false);
        Assert.Equal(2u, p.Tail);
        Assert.Equal(4u, p.Length);
        Assert.Equal([0, 1, 2, 3], p.RunQSlots());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 4)]
    [InlineData(128, 64)]
    [InlineData(256, 128)]
    public void RunQSteal_takes_the_ceiling_of_half_and_returns_the_last_taken(int n, int taken)
    {
        var t = new TestStates(procs: 2);
        var victim = t.State.Ps[1];
        var thief = t.State.Ps[0];
        var gs = t.NewGs(n + 1);
        for (var i = 0; i < n; i++) Stepper.RunQPut(t.Cx, victim, gs[i], next: false);
        Stepper.RunQPut(t.Cx, victim, gs[n], next: true);
        t.Events.Clear();
        var got = Stepper.RunQSteal(t.Cx, thief, victim);
        Assert.Same(gs[taken - 1], got);
        Assert.Equal((uint)(n - taken), victim.Length);
        Assert.Equal(gs[n].Slot + 1, victim.RunNext); // runnext stays while the ring has work
        Assert.Equal(Enumerable.Range(0, taken - 1), thief.RunQSlots());
        Assert.Equal([new SchedEvent(EventKind.RunqSteal, 0, 0, taken, 1, taken, taken, 0)], t.Events);
    }

    [Fact]
    public void RunQSteal_takes_runnext_only_when_the_ring_is_empty()
    {
        var t = new TestStates(procs: 2);
        var victim = t.State.Ps[1];
        var g = t.NewG();
        Stepper.RunQPut(t.Cx, victim, g, next: true);
        t.Events.Clear();
        Assert.Same(g, Stepper.RunQSteal(t.Cx, t.State.Ps[0], victim));
        Assert.Equal(0, victim.RunNext);
        Assert.Equal(0u, t.State.Ps[0].Length);
        Assert.Equal([new SchedEvent(EventKind.RunqSteal, 0, 0, 1, 1, 1, 0, 1)], t.Events);
        Assert.Null(Stepper.RunQSteal(t.Cx, t.State.Ps[0], victim));
    }

    [Fact]
    public void GlobRunQGet_takes_size_over_procs_plus_one_and_queues_the_rest_locally()
    {
        var t = new TestStates(procs: 2);
        var gs = t.NewGs(10);
        foreach (var g in gs) Stepper.GlobRunQPut(t.Cx, g);
        var p = t.State.Ps[0];
        var got = Stepper.GlobRunQGet(t.Cx, p, 0);
        // n = min(10, 10/2 + 1, 128) = 6: the first is returned, 5 go to the local ring.
        Assert.Same(gs[0], got);
        Assert.Equal(4, t.State.RunQSize);
        Assert.Equal([1, 2, 3, 4, 5], p.RunQSlots());
        Assert.Same(gs[6], Stepper.GlobRunQGet(t.Cx, p, 1));
        Assert.Empty(p.RunQSlots().Skip(5));
    }

    [Fact]
    public void The_61st_schedtick_takes_from_the_global_queue_before_the_local_one()
    {
        foreach (var (tick, expectGlobal) in new[] { (61u, true), (60u, false), (122u, true), (0u, true) })
        {
            var t = new TestStates();
            var p = t.State.Ps[0];
            var local = t.NewG();
            var global = t.NewG();
            Stepper.RunQPut(t.Cx, p, local, next: false);
            Stepper.GlobRunQPut(t.Cx, global);
            p.SchedTick = tick;
            Stepper.Schedule(t.Cx, t.State.Ms[0], -1);
            var ran = t.State.AllGs[t.State.Ms[0].Curg - 1];
            Assert.True(ReferenceEquals(expectGlobal ? global : local, ran), $"schedtick {tick}: ran g{ran.Goid}");
        }
    }

    [Fact]
    public void Goids_come_in_blocks_of_16_per_P_and_main_is_1()
    {
        var t = new TestStates(procs: 2, text: "main { go w }\nw { }");
        var goids = new List<long>();
        for (var i = 0; i < 17; i++) { t.As(0); goids.Add(Stepper.NewProc1(t.Cx, 1, null, t.State.Ps[0]).Goid); }
        t.As(1);
        goids.Add(Stepper.NewProc1(t.Cx, 1, null, t.State.Ps[1]).Goid);
        t.As(0);
        goids.Add(Stepper.NewProc1(t.Cx, 1, null, t.State.Ps[0]).Goid);
        // P0: block 1..16, then block 17..32 (the 17th g gets 17); P1 then takes block 33..48; P0 goes on with 18.
        Assert.Equal([.. Enumerable.Range(1, 17).Select(i => (long)i), 33L, 18L], goids);
        Assert.Equal(48, t.State.GoidGen);
        Assert.Equal(19, t.State.Ps[0].GoidCache);
        Assert.Equal(33, t.State.Ps[0].GoidCacheEnd);
    }

    [Fact]
    public void GfPut_at_64_moves_33_to_the_global_lists_and_gfget_refills_32()
    {
        var t = new TestStates();
        var p = t.State.Ps[0];
        var gs = t.NewGs(64);
        foreach (var g in gs) { g.Status = GStatus.Dead; Stepper.GfPut(t.Cx, p, g); }
        Assert.Equal(31, p.GFreeN);
        Assert.Equal(33, t.State.GFreeStackSlots.Count);
        Assert.Empty(t.State.GFreeNoStackSlots);
        // Pop the local list empty, then one more gfget refills to 32 from the global stack list and pops one.
        for (var i = 0; i < 31; i++) Assert.NotNull(Stepper.GfGet(t.Cx, p));
        Assert.Equal(0, p.GFreeN);
        Assert.NotNull(Stepper.GfGet(t.Cx, p));
        Assert.Equal(31, p.GFreeN);
        Assert.Single(t.State.GFreeStackSlots);
    }

    [Fact]
    public void GfPut_frees_a_grown_stack_and_such_gs_go_to_the_noStack_list()
    {
        var t = new TestStates();
        var p = t.State.Ps[0];
        var gs = t.NewGs(64);
        foreach (var g in gs) { g.Status = GStatus.Dead; g.StackSize = 8192; Stepper.GfPut(t.Cx, p, g); }
        Assert.All(gs, g => Assert.Equal(0, g.StackSize));
        Assert.Equal(33, t.State.GFreeNoStackSlots.Count);
        var again = Stepper.GfGet(t.Cx, p)!;
        Assert.Equal(2048, again.StackSize); // stackalloc(startingStackSize)
    }

    [Fact]
    public void GfPut_refuses_a_g_that_is_not_dead()
    {
        var t = new TestStates();
        var e = Assert.Throws<ModelThrowException>(() => Stepper.GfPut(t.Cx, t.State.Ps[0], t.NewG(GStatus.Running)));
        Assert.Equal("gfput: bad status (not Gdead)", e.Message);
    }
}
