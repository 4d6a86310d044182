using Native.Layout;

namespace Native.Tests;

/// <summary>Go's stack allocator (stack.go): sizes, orders, the per-P cache's batches, large stacks.</summary>
public unsafe class GoStacksTests
{
    [Theory]
    [InlineData(2048, 0)]
    [InlineData(4096, 1)]
    [InlineData(8192, 2)]
    [InlineData(16384, 3)]
    [InlineData(32768, -1)]
    public void Orders_are_the_four_smallest_powers_of_two(long size, int order) => Assert.Equal(order, GoStacks.Order(size));

    [Fact]
    public void A_stack_has_its_size_and_Gos_guard_and_comes_from_StackSpace()
    {
        using var stacks = new GoStacks();
        var g = Records.NewG();
        try
        {
            stacks.Allocate(new GoStacks.Cache(), g, 2048);
            Assert.Equal(2048, g->StackHi - g->StackLo);
            Assert.Equal(g->StackLo + 928, g->StackGuard0);
            Assert.True(StackSpace.Contains(g->StackLo));
            Assert.Equal(0, g->StackHi & 15);
            Assert.Throws<ArgumentOutOfRangeException>(() => stacks.Allocate(null, Records.NewG(), 3000));
        }
        finally
        {
            Records.FreeG(g);
        }
    }

#if CHECKER_MUTANTS
    /// <summary>The seeded bug GrowByFixed2K's sizes (multiples of 2 KiB, no power of two): only when allowed, each
    /// the low part of a block of the next order up (or a large stack), back to that order when freed, the cache's
    /// bytes counted by blocks.</summary>
    [Fact]
    public void Uneven_sizes_are_served_from_the_next_order_only_when_the_seeded_bug_asks()
    {
        using var stacks = new GoStacks();
        var c = new GoStacks.Cache();
        var g = Records.NewG();
        try
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => stacks.Allocate(c, g, 6144));
            stacks.AllowUnevenSizes = true;
            Assert.Throws<ArgumentOutOfRangeException>(() => stacks.Allocate(c, g, 3000));
            stacks.Allocate(c, g, 6144);
            Assert.Equal(6144, g->StackHi - g->StackLo);
            Assert.Equal(16384 - 8192, c.Bytes(2)); // a refill of 8 KiB blocks, one handed out
            stacks.Free(c, g);
            Assert.Equal(16384, c.Bytes(2));
            stacks.Allocate(c, g, 20480);
            Assert.Equal(20480, g->StackHi - g->StackLo);
            stacks.Free(c, g);
            Assert.Equal(0, stacks.Live);
        }
        finally
        {
            Records.FreeG(g);
        }
    }

#endif
    [Fact]
    public void The_cache_refills_and_drains_half_a_cache_at_a_time()
    {
        using var stacks = new GoStacks();
        var c = new GoStacks.Cache();
        var gs = new G*[40];
        for (var i = 0; i < gs.Length; i++)
        {
            gs[i] = Records.NewG();
        }

        // stackcacherefill: 16 KiB worth of 2 KiB stacks (8), one handed out.
        stacks.Allocate(c, gs[0], 2048);
        Assert.Equal(7 * 2048, c.Bytes(0));
        for (var i = 1; i < gs.Length; i++)
        {
            stacks.Allocate(c, gs[i], 2048);
        }

        Assert.Equal(40, stacks.Live);
        for (var i = 0; i < gs.Length; i++)
        {
            stacks.Free(c, gs[i]);
            // stackfree releases to 16 KiB when the cache reached 32 KiB, before pushing.
            Assert.InRange(c.Bytes(0), 2048, GoStacks.CacheSize);
        }

        Assert.Equal(0, stacks.Live);
        stacks.Clear(c);
        Assert.Equal(0, c.Bytes(0));
        foreach (var g in gs)
        {
            Records.FreeG(g);
        }
    }

    [Fact]
    public void A_freed_large_stack_is_reused_for_the_next_of_its_size()
    {
        using var stacks = new GoStacks();
        var g = Records.NewG();
        stacks.Allocate(null, g, 64 * 1024);
        var lo = g->StackLo;
        *(long*)(g->StackHi - 8) = 42;
        stacks.Free(null, g);
        Assert.Equal(0, g->StackLo);
        stacks.Allocate(null, g, 64 * 1024);
        Assert.Equal(lo, g->StackLo);
        stacks.Free(null, g);
        Records.FreeG(g);
    }
}
