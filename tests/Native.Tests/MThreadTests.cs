using Native.Layout;

namespace Native.Tests;

public unsafe class MThreadTests
{
    private static bool Bit(ulong mask, int sig) => (mask & (1UL << (sig - 1))) != 0;

    [Fact]
    public void An_M_blocks_asynchronous_signals_but_never_SIGRTMIN_or_synchronous_ones()
    {
        ulong mask = 0;
        nint seenM = 0;
        var t = MThread.Start(7, m =>
        {
            mask = MThread.CurrentSignalMask();
            seenM = (nint)m;
        });
        try
        {
            t.Join();
            Assert.Equal((nint)t.M, seenM);
            Assert.Equal(7, t.M->Id);
            Assert.Equal((nint)t.M, (nint)t.M->G0->M);
            foreach (var sig in new[] { 1, 2, 3, 10, 12, 13, 14, 15, 17, 23, 28 })
            {
                Assert.True(Bit(mask, sig), $"signal {sig} should be blocked on an M");
            }

            foreach (var sig in new[] { 4, 5, 7, 8, 11, 34 })   // SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV, SIGRTMIN
            {
                Assert.False(Bit(mask, sig), $"signal {sig} must never be blocked");
            }

            Assert.False(Bit(MThread.CurrentSignalMask(), 28), "the test thread itself is not an M");
        }
        finally
        {
            t.Dispose();
        }
    }

    [Fact]
    public void A_body_that_throws_is_reported_by_Join_naming_the_M()
    {
        var t = MThread.Start(9, _ => throw new InvalidOperationException("boom"));
        var e = Assert.Throws<InvalidOperationException>(() => t.Join());
        Assert.Equal("M9 failed: boom", e.Message);
        t.Dispose();
    }

    [Fact]
    public void Goroutines_run_on_an_M_thread()
    {
        using var gs = new Gs();
        var (g, r) = gs.New(Bodies.Yield);
        ((Rec*)r)->Yields = 5;
        var reasons = new List<McallReason>();
        var t = MThread.Start(3, m =>
        {
            McallReason reason;
            do
            {
                reason = StubSet.Shared.Execute(m, (G*)g);
                reasons.Add(reason);
            }
            while (reason != McallReason.Exit);
        });
        t.Join();
        Assert.Equal(6, reasons.Count);
        Assert.Equal(5, ((Rec*)r)->Resumes);
        Assert.Equal((nint)t.M, ((Rec*)r)->LastM);
        t.Dispose();
    }
}
