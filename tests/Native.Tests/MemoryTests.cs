using Native.Layout;

namespace Native.Tests;

[CollectionDefinition("Serial memory", DisableParallelization = true)]
public class SerialMemoryCollection;

/// <summary>A parked goroutine costs about one resident stack page plus its G record (target: at most 5 KB).</summary>
[Collection("Serial memory")]
public unsafe class MemoryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static long ResidentBytes()
    {
        var statm = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(statm[1]) * Environment.SystemPageSize;
    }

    [Fact]
    public void A_parked_goroutine_costs_about_one_page_plus_its_G()
    {
        const int n = 20_000;
        using var pool = new StackPool();
        var m = Records.NewM(1);
        var gs = new G*[n];
        try
        {
            GC.Collect();
            var before = ResidentBytes();
            for (var i = 0; i < n; i++)
            {
                var g = gs[i] = Records.NewG();
                pool.Allocate(g);
                StubSet.PrepareGoroutine(g, Bodies.ParkForever, 0);
                Assert.Equal(McallReason.Park, StubSet.Shared.Execute(m, g));
            }

            var perG = (double)(ResidentBytes() - before) / n;
            output.WriteLine($"{perG:F0} bytes resident per parked goroutine ({n} goroutines, 64 KiB stacks)");
            Assert.True(perG <= 5 * 1024, $"{perG:F0} bytes resident per parked goroutine");
            Assert.True(perG >= Environment.SystemPageSize / 2, $"{perG:F0} bytes: the stack page must be in the measurement");
        }
        finally
        {
            foreach (var g in gs)
            {
                if (g != null)
                {
                    pool.Free(g);
                    Records.FreeG(g);
                }
            }

            Records.FreeM(m);
        }
    }
}
