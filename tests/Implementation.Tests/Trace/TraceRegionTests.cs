using System.Runtime.InteropServices;
using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests.Trace;

/// <summary>A trace recorded into caller-provided (shared) memory is the trace, and a reader survives what a crashing
/// runtime may leave there.</summary>
public unsafe class TraceRegionTests
{
    private const string Workload = "main {\n  go w; go w\n  yield\n  syscall 2\n  acquire s; acquire s\n}\nw {\n  yield\n  release s\n}\n";

    private static RuntimeOptions Options(int procs, TraceRegion? region = null) => new()
    {
        Procs = procs, Trace = true, Controlled = true, Seed = 5, Sysmon = false, Timeout = TimeSpan.FromSeconds(20), TraceRegion = region,
    };

    private static (nint Memory, long Bytes) Alloc(int slots, int capacity)
    {
        var bytes = TraceRegion.BytesFor(slots, capacity);
        return ((nint)NativeMemory.AllocZeroed((nuint)bytes), bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_run_recorded_into_a_region_gives_the_same_trace_and_the_region_reads_it_back(int procs)
    {
        var (memory, bytes) = Alloc(16, 4096);
        try
        {
            var region = TraceRegion.Format(memory, bytes, 16, 4096);
            region.Reset(7);
            var own = Run(Workload, Options(procs));
            var shared = Run(Workload, Options(procs, region) with { TraceCapacityPerM = 4096 });
            Assert.Equal(own.Outcome, shared.Outcome);
            Assert.Equal(own.Trace!.Select(e => (e.Kind, e.M, e.P, e.G, e.Seq)), shared.Trace!.Select(e => (e.Kind, e.M, e.P, e.G, e.Seq)));
            // Another reader of the same memory (the checker, after the worker answered or died) sees the same trace.
            var reader = TraceRegion.Open(memory, bytes);
            Assert.Equal(7, reader.Run);
            Assert.False(reader.Overflowed);
            Assert.Equal(shared.Trace, reader.Read(out var truncated));
            Assert.False(truncated);
        }
        finally
        {
            NativeMemory.Free((void*)memory);
        }
    }

    [Fact]
    public void Ms_beyond_the_regions_slots_record_privately_and_the_region_says_it_overflowed()
    {
        var (memory, bytes) = Alloc(1, 4096);
        try
        {
            var region = TraceRegion.Format(memory, bytes, 1, 4096);
            region.Reset(1);
            var r = Run(Workload, Options(4, region));
            Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
            Assert.True(region.Overflowed);
            Assert.True(region.Read(out var truncated).Length < r.Trace!.Count);
            Assert.True(truncated);
        }
        finally
        {
            NativeMemory.Free((void*)memory);
        }
    }

    [Fact]
    public void Garbage_in_a_region_reads_as_a_clamped_trace_never_a_crash_of_the_reader()
    {
        var (memory, bytes) = Alloc(4, 64);
        try
        {
            TraceRegion.Format(memory, bytes, 4, 64).Reset(1);
            // Scribble over the counts and the events the way a wild runtime might.
            var b = (byte*)memory;
            *(int*)(b + 16) = int.MaxValue;              // slots taken
            for (var s = 0; s < 4; s++) *(int*)(b + 64 + s * 64) = s == 0 ? -5 : 1 << 30; // counts
            new Span<byte>(b + 4096, 64 * 56).Fill(0xAB);
            var trace = TraceRegion.Open(memory, bytes).Read(out _);
            Assert.Equal(3 * 64, trace.Length);
            Assert.Throws<InvalidDataException>(() => TraceRegion.Open(memory + 8, bytes - 8));
        }
        finally
        {
            NativeMemory.Free((void*)memory);
        }
    }
}
