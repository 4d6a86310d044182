using Conformance.GoSide;

namespace Conformance.Tests.GoSide;

/// <summary>The reader of Go 1.19's binary trace format, on a committed trace written by Go 1.19.8 (one P: main starts
/// two goroutines that yield and acquire a semaphore released once; see fixtures/two-waiters-1p.go.txt) and on
/// synthetic traces.</summary>
public class GoTraceReaderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "GoSide", "fixtures", name);

    [Fact]
    public void The_committed_trace_reads_into_every_event_merged_with_its_goroutines_classified()
    {
        var t = GoTraceReader.ReadFile(Fixture("two-waiters-1p.trace"));
        Assert.Equal(159, t.Events.Count);
        Assert.Equal([0], t.Procs);
        Assert.True(t.TicksPerSecond > 1_000_000);
        Assert.Equal(Enumerable.Range(0, t.Events.Count), t.Events.Select(e => e.Index));
        Assert.Equal(66, t.Events.Count(e => e.Type == GoEventType.GoStartLocal));
        Assert.Equal(59, t.Events.Count(e => e.Type == GoEventType.GoSched));
        var byFn = t.Goroutines.ToDictionary(g => g.Goid, g => (g.StartFunction, g.Kind));
        Assert.Equal(("runtime.main", GoGoroutineKind.Main), byFn[1]);
        Assert.Equal(("runtime.forcegchelper", GoGoroutineKind.System), byFn[2]);
        Assert.Equal(("runtime.bgsweep", GoGoroutineKind.System), byFn[3]);
        Assert.Equal(("runtime.bgscavenge", GoGoroutineKind.System), byFn[4]);
        Assert.Equal(("runtime/trace.Start.func1", GoGoroutineKind.System), byFn[6]);
        Assert.Equal(("main.w0_1", GoGoroutineKind.User), byFn[8]);
        Assert.Equal(("main.w0_1", GoGoroutineKind.User), byFn[9]);
        Assert.Equal("start", t.Events.Single(e => e.Type == GoEventType.UserLog).Text);
    }

    [Fact]
    public void The_status_history_of_the_committed_trace_is_what_the_program_did()
    {
        var t = GoTraceReader.ReadFile(Fixture("two-waiters-1p.trace"));
        // One waiter took the released count and ended; the other is still parked on the semaphore.
        Assert.Equal(["runnable", "running", "runnable", "running", "waiting"], t.ById[8].History.Select(s => s.To.ToString().ToLowerInvariant()));
        Assert.Equal("GoBlockSync", t.ById[8].History[^1].Detail);
        Assert.Equal(GoStatus.Dead, t.ById[9].Status);
        Assert.Equal(2, t.ById[9].Starts.Count);
        Assert.Equal(1UL, t.ById[9].History[0].By); // created by main
        Assert.Equal(GoStatus.Waiting, t.ById[2].Status); // forcegchelper was parked when tracing started
        // Every GoStart finds its goroutine runnable: the merge is consistent.
        foreach (var g in t.Goroutines)
            foreach (var s in g.History.Where(s => s.To == GoStatus.Running && s.EventIndex >= 0))
                Assert.True(s.From is GoStatus.Runnable, $"g{g.Goid}: {s}");
    }

    [Fact]
    public void Events_of_two_Ps_are_ordered_by_goroutine_sequence_even_against_their_timestamps()
    {
        // P1 starts g7 (sequence 1) at tick 5; P0 creates g7 at tick 10. Only create-then-start is consistent.
        var b = new TraceBuilder()
            .Batch(0, 0).Event(GoEventType.GoCreate, 10, 7, 0, 0)
            .Batch(1, 0).Event(GoEventType.GoStart, 5, 7, 1).Event(GoEventType.GoEnd, 1)
            .Frequency(1_000_000_000);
        var t = GoTraceReader.Read(b.Bytes);
        Assert.Equal([GoEventType.GoCreate, GoEventType.GoStart, GoEventType.GoEnd], t.Events.Select(e => e.Type));
        Assert.Equal([0, 1], t.Procs);
        Assert.Equal(7UL, t.Events[2].G);
        Assert.Equal(GoStatus.Dead, t.ById[7].Status);
    }

    [Fact]
    public void A_start_with_the_wrong_sequence_number_has_no_consistent_ordering()
    {
        var b = new TraceBuilder()
            .Batch(0, 0).Event(GoEventType.GoCreate, 10, 7, 0, 0)
            .Batch(1, 0).Event(GoEventType.GoStart, 5, 7, 2)
            .Frequency(1_000_000_000);
        var e = Assert.Throws<GoTraceException>(() => GoTraceReader.Read(b.Bytes));
        Assert.StartsWith("no consistent ordering of events", e.Message);
        Assert.Contains("g7 runnable at sequence 2", e.Message);
    }

    [Fact]
    public void Unknown_and_mis_sized_events_are_errors_naming_their_byte_offset()
    {
        var unknown = new TraceBuilder().Batch(0, 0);
        var at = unknown.Offset;
        unknown.Raw(0x3f, 0x01);
        var e1 = Assert.Throws<GoTraceException>(() => GoTraceReader.Read(unknown.Bytes));
        Assert.Equal(at, e1.Offset);
        Assert.Contains($"unknown event type 63 at offset {at}", e1.Message);

        var wrong = new TraceBuilder().Batch(0, 0);
        var at2 = wrong.Offset;
        wrong.Event(GoEventType.GoCreate, 1, 7).Frequency(1000); // GoCreate has 4 values, not 2
        var e2 = Assert.Throws<GoTraceException>(() => GoTraceReader.Read(wrong.Bytes));
        Assert.Equal(at2, e2.Offset);
        Assert.Contains($"GoCreate event at offset {at2} has 2 arguments; the format gives it 4", e2.Message);
    }

    [Fact]
    public void Events_the_reader_does_not_interpret_are_skipped_by_their_length()
    {
        // HeapAlloc and a long-form CPU sample sit between two scheduling events.
        var b = new TraceBuilder().Batch(0, 0)
            .Event(GoEventType.GoCreate, 1, 3, 0, 0)
            .Event(GoEventType.HeapAlloc, 1, 123456)
            .Event(GoEventType.CPUSample, 1, 99, 0, 3, 0)
            .Event(GoEventType.GoStart, 1, 3, 1)
            .Frequency(1000);
        var t = GoTraceReader.Read(b.Bytes);
        Assert.Equal([GoEventType.GoCreate, GoEventType.HeapAlloc, GoEventType.CPUSample, GoEventType.GoStart], t.Events.Select(e => e.Type));
        Assert.Equal(123456UL, t.Events[1].Args[0]);
        Assert.Equal(GoStatus.Running, t.ById[3].Status);
    }

    [Fact]
    public void Files_that_are_not_Go_1_19_traces_are_refused_clearly()
    {
        var e1 = Assert.Throws<GoTraceException>(() => GoTraceReader.Read("main { yield }\n"u8));
        Assert.Contains("not a Go execution trace", e1.Message);
        Assert.Equal(0, e1.Offset);
        var e2 = Assert.Throws<GoTraceException>(() => GoTraceReader.Read("go 1.21 trace\0\0\0"u8));
        Assert.Contains("another Go version", e2.Message);
        var whole = File.ReadAllBytes(Fixture("two-waiters-1p.trace"));
        var e3 = Assert.Throws<GoTraceException>(() => GoTraceReader.Read(whole.AsSpan(0, whole.Length / 2)));
        Assert.True(e3.Message.Contains("cut short", StringComparison.Ordinal), e3.Message);
    }
}
