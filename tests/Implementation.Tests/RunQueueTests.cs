using Native.Layout;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>The queue algorithms of proc.go driven directly (no goroutine code runs): runqput/runqget with runnext,
/// runqputslow, runqsteal, globrunqget, gfput/gfget, goid caches and CasGStatus.</summary>
public unsafe class RunQueueTests
{
    [Fact]
    public void RunQPut_next_goes_to_runnext_and_kicks_the_old_one_to_the_tail()
    {
        using var s = NewSched();
        var mp = s.TestM(0);
        var pp = mp.P;
        s.RunQPut(mp, pp, s.TestG(10), true);
        s.RunQPut(mp, pp, s.TestG(11), true);
        s.RunQPut(mp, pp, s.TestG(12), false);
        var (ring, next) = Sched.LocalGoids(pp);
        Assert.Equal([10L, 12L], ring);
        Assert.Equal(11, next);

        Assert.Equal(11, s.RunQGet(mp, pp, out var inherit)->Goid);
        Assert.True(inherit);
        Assert.Equal(10, s.RunQGet(mp, pp, out inherit)->Goid);
        Assert.False(inherit);
        Assert.Equal(12, s.RunQGet(mp, pp, out _)->Goid);
        Assert.True(s.RunQGet(mp, pp, out _) == null);
        Assert.True(Sched.RunQEmpty(pp));
    }

    [Fact]
    public void RunQPut_when_full_spills_the_older_half_plus_the_new_g_to_the_global_queue()
    {
        using var s = NewSched();
        var mp = s.TestM(0);
        var pp = mp.P;
        for (var i = 1; i <= 256; i++) s.RunQPut(mp, pp, s.TestG(i), false);
        Assert.Empty(s.GlobalGoids());
        s.RunQPut(mp, pp, s.TestG(257), false);

        // runqputslow: the 128 oldest (1..128) then the new g, in order; the ring keeps 129..256.
        var global = s.GlobalGoids();
        Assert.Equal(Enumerable.Range(1, 128).Select(i => (long)i).Append(257L), global);
        var (ring, next) = Sched.LocalGoids(pp);
        Assert.Equal(Enumerable.Range(129, 128).Select(i => (long)i), ring);
        Assert.Equal(-1, next);
        Assert.Equal(128u, pp->RunqHead);
        Assert.Equal(256u, pp->RunqTail);
    }

    [Fact]
    public void RunQSteal_takes_the_ceiling_of_half_and_returns_the_last_one()
    {
        using var s = NewSched(procs: 2);
        var thief = s.TestM(0);
        var victim = s.TestM(1);
        for (var i = 1; i <= 5; i++) s.RunQPut(victim, victim.P, s.TestG(i), false);
        s.RunQPut(victim, victim.P, s.TestG(6), true);

        var g = s.RunQSteal(thief, thief.P, victim.P, stealRunNext: true);
        // ceil(5/2) = 3 taken: 1, 2, 3; 3 is returned to run, 1 and 2 are queued on the thief.
        Assert.Equal(3, g->Goid);
        Assert.Equal([1L, 2L], Sched.LocalGoids(thief.P).Ring);
        Assert.Equal([4L, 5L], Sched.LocalGoids(victim.P).Ring);
        Assert.Equal(6, Sched.LocalGoids(victim.P).RunNext);
    }

    [Fact]
    public void RunQSteal_takes_runnext_only_when_asked_and_the_ring_is_empty()
    {
        using var s = NewSched(procs: 2);
        var thief = s.TestM(0);
        var victim = s.TestM(1);
        s.RunQPut(victim, victim.P, s.TestG(7), true);
        Assert.True(s.RunQSteal(thief, thief.P, victim.P, stealRunNext: false) == null);
        var g = s.RunQSteal(thief, thief.P, victim.P, stealRunNext: true);
        Assert.Equal(7, g->Goid);
        Assert.True(Sched.RunQEmpty(victim.P));
    }

    [Fact]
    public void GlobRunQGet_takes_size_over_procs_plus_one_and_queues_all_but_the_first_locally()
    {
        using var s = NewSched(procs: 2);
        var mp = s.TestM(0);
        var other = s.TestM(1);
        // Fill the global queue with 10 gs through a spill-free path: gosched-style puts.
        for (var i = 1; i <= 10; i++) s.GlobRunQPutLocked(mp, s.TestG(i));
        var g = s.GlobRunQGetForTest(mp, 0);
        // n = min(10, 10/2+1 = 6, 128) = 6: 1 returned, 2..6 on the local ring.
        Assert.Equal(1, g->Goid);
        Assert.Equal([2L, 3L, 4L, 5L, 6L], Sched.LocalGoids(mp.P).Ring);
        Assert.Equal([7L, 8L, 9L, 10L], s.GlobalGoids());
        // max = 1 (the 1-in-61 fairness check) takes exactly one.
        Assert.Equal(7, s.GlobRunQGetForTest(other, 1)->Goid);
        Assert.Empty(Sched.LocalGoids(other.P).Ring);
    }

    [Fact]
    public void GfPut_moves_33_to_the_global_list_at_64_and_GfGet_refills_32()
    {
        using var s = NewSched(procs: 2);
        var mp = s.TestM(0);
        for (var i = 1; i <= 63; i++) s.GfPut(mp, mp.P, s.TestG(i, GStatus.Dead));
        Assert.Equal(63, s.LocalGFreeCount(0));
        Assert.Equal(0, s.GlobalGFreeCount);
        s.GfPut(mp, mp.P, s.TestG(64, GStatus.Dead));
        Assert.Equal(31, s.LocalGFreeCount(0));
        Assert.Equal(33, s.GlobalGFreeCount);
        // LIFO locally: the last put comes out first... of what remains (64..34 went global, 31..1 stayed).
        Assert.Equal(31, s.GfGet(mp, mp.P)->Goid);

        var other = s.TestM(1);
        var g = s.GfGet(other, other.P);
        Assert.True(g != null);
        Assert.Equal(31, s.LocalGFreeCount(1)); // refilled to 32, then one taken
        Assert.Equal(1, s.GlobalGFreeCount);
    }

    [Fact]
    public void GfPut_rejects_a_g_that_is_not_dead_with_Gos_message()
    {
        using var s = NewSched();
        var mp = s.TestM(0);
        var e = Assert.Throws<FatalException>(() => s.GfPut(mp, mp.P, s.TestG(1, GStatus.Runnable)));
        Assert.Equal("gfput: bad status (not Gdead)", e.Message);
    }

    [Fact]
    public void Goids_come_from_per_P_caches_in_blocks_of_16()
    {
        using var s = NewSched(procs: 2, text: "main { }\nw { }");
        var m0 = s.TestM(0);
        var m1 = s.TestM(1);
        var first = s.NewProc1(m0, 0, null, 0);
        var second = s.NewProc1(m1, 1, null, 0);
        var third = s.NewProc1(m0, 1, null, 0);
        Assert.Equal(1, first->Goid);
        Assert.Equal(17, second->Goid);
        Assert.Equal(2, third->Goid);
        for (var i = 0; i < 14; i++) s.NewProc1(m0, 1, null, 0);
        Assert.Equal(33, s.NewProc1(m0, 1, null, 0)->Goid); // P0's block 1..16 used up; the next block is 33..48
    }

    [Fact]
    public void CasGStatus_rejects_illegal_edges_and_bad_values()
    {
        using var s = NewSched();
        var mp = s.TestM(0);
        var g = s.TestG(5, GStatus.Runnable);
        var e = Assert.Throws<FatalException>(() => s.CasGStatus(mp, g, GStatus.Runnable, GStatus.Waiting));
        Assert.StartsWith("casgstatus: illegal transition Runnable -> Waiting", e.Message);
        e = Assert.Throws<FatalException>(() => s.CasGStatus(mp, g, GStatus.Runnable, GStatus.Runnable));
        Assert.StartsWith("casgstatus: bad incoming values", e.Message);
        e = Assert.Throws<FatalException>(() => s.CasGStatus(mp, g, GStatus.Running, GStatus.Waiting));
        Assert.StartsWith("casgstatus: bad incoming values", e.Message); // the word holds Runnable
        s.CasGStatus(mp, g, GStatus.Runnable, GStatus.Running);
        Assert.Equal(GStatus.Running, Sched.ReadGStatus(g));
    }

    [Fact]
    public void Every_legal_edge_has_its_reference_number()
    {
        Assert.Equal(3, Sched.EdgeNumber(GStatus.Dead, GStatus.Runnable));
        Assert.Equal(4, Sched.EdgeNumber(GStatus.Runnable, GStatus.Running));
        Assert.Equal(5, Sched.EdgeNumber(GStatus.Running, GStatus.Waiting));
        Assert.Equal(6, Sched.EdgeNumber(GStatus.Waiting, GStatus.Runnable));
        Assert.Equal(7, Sched.EdgeNumber(GStatus.Running, GStatus.Runnable));
        Assert.Equal(8, Sched.EdgeNumber(GStatus.Running, GStatus.Dead));
        Assert.Equal(11, Sched.EdgeNumber(GStatus.Syscall, GStatus.Runnable));
        Assert.Equal(0, Sched.EdgeNumber(GStatus.Waiting, GStatus.Running));
        Assert.Equal(0, Sched.EdgeNumber(GStatus.Dead, GStatus.Waiting));
    }
}
