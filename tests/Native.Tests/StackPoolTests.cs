using Native.Layout;

namespace Native.Tests;

public unsafe class StackPoolTests
{
    [Fact]
    public void A_hundred_thousand_stacks_come_from_arenas_not_one_mapping_each()
    {
        // With a guard page per stack, vm.max_map_count (65,530) would stop this at about 32,000.
        const int n = 100_000;
        using var pool = new StackPool();
        var gs = new G*[n];
        var maps0 = CountMappings();
        try
        {
            for (var i = 0; i < n; i++)
            {
                gs[i] = Records.NewG();
                pool.Allocate(gs[i]);
            }

            Assert.Equal(n, pool.Live);
            var los = new HashSet<nint>();
            for (var i = 0; i < n; i++)
            {
                var g = gs[i];
                Assert.Equal(StackPool.DefaultStackSize, (int)(g->StackHi - g->StackLo));
                Assert.Equal(0, (long)(g->StackHi % 16));
                Assert.Equal(g->StackLo + StackPool.StackGuard, g->StackGuard0);
                Assert.True(los.Add(g->StackLo));
            }

            var sorted = los.Order().ToArray();
            for (var i = 1; i < sorted.Length; i++)
            {
                Assert.True(sorted[i] - sorted[i - 1] >= StackPool.DefaultStackSize, "stacks overlap");
            }

            // 98 arenas of 1,024 stacks, not 100,000 mappings (adjacent arenas may merge; the CLR maps and unmaps meanwhile).
            Assert.InRange(CountMappings() - maps0, -1000, 400);

            // Freed stacks are reused.
            var lo = gs[123]->StackLo;
            pool.Free(gs[123]);
            Assert.Equal(0, gs[123]->StackLo);
            pool.Allocate(gs[123]);
            Assert.Equal(lo, gs[123]->StackLo);
        }
        finally
        {
            foreach (var g in gs)
            {
                if (g != null)
                {
                    if (g->StackLo != 0)
                    {
                        pool.Free(g);
                    }

                    Records.FreeG(g);
                }
            }
        }

        Assert.Equal(0, pool.Live);
    }

    [Fact]
    public void Guard_page_mode_puts_a_PROT_NONE_page_below_each_stack()
    {
        using var pool = new StackPool(guardPages: true, stacksPerArena: 4);
        var g = Records.NewG();
        try
        {
            pool.Allocate(g);
            var guard = FindMapping(g->StackLo - Environment.SystemPageSize);
            Assert.NotNull(guard);
            Assert.StartsWith("---p", guard!.Value.Perms);
            Assert.Equal(g->StackLo, guard.Value.End);
            Assert.StartsWith("rw", FindMapping(g->StackLo)!.Value.Perms);
        }
        finally
        {
            pool.Free(g);
            Records.FreeG(g);
        }
    }

    [Fact]
    public void Bad_sizes_and_double_allocation_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StackPool(stackSize: 8 * 1024));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StackPool(stackSize: 64 * 1024 + 1));
        using var pool = new StackPool(stackSize: 32 * 1024);
        var g = Records.NewG();
        try
        {
            pool.Allocate(g);
            Assert.Equal(32 * 1024, (int)(g->StackHi - g->StackLo));
            Assert.Contains("already has a stack", Assert.Throws<InvalidOperationException>(() => pool.Allocate(g)).Message);
            pool.Free(g);
            Assert.Contains("no stack", Assert.Throws<InvalidOperationException>(() => pool.Free(g)).Message);
        }
        finally
        {
            Records.FreeG(g);
        }
    }

    internal static int CountMappings() => File.ReadAllLines("/proc/self/maps").Length;

    internal static (nint Start, nint End, string Perms)? FindMapping(nint address)
    {
        foreach (var line in File.ReadAllLines("/proc/self/maps"))
        {
            var parts = line.Split(' ', 3);
            var range = parts[0].Split('-');
            var start = (nint)Convert.ToInt64(range[0], 16);
            var end = (nint)Convert.ToInt64(range[1], 16);
            if (address >= start && address < end)
            {
                return (start, end, parts[1]);
            }
        }

        return null;
    }
}
