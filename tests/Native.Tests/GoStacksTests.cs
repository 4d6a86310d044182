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
