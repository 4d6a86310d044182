using Native.Layout;

namespace Native.Tests;

/// <summary>Misuse gives a clear error naming what went wrong, and the process (and the M) carry on.</summary>
public unsafe class MisuseTests
{
    private static readonly StubSet S = StubSet.Shared;

    /// <summary>After a misuse the same M must still run goroutines normally.</summary>
    private static void AssertMStillWorks(Gs gs, M* m)
    {
        var (g, r) = gs.New(Bodies.Yield);
        ((Rec*)r)->Yields = 2;
        Assert.Equal(McallReason.Gosched, S.Execute(m, (G*)g));
        Assert.Equal(McallReason.Gosched, S.Execute(m, (G*)g));
        Assert.Equal(McallReason.Exit, S.Execute(m, (G*)g));
        Assert.Equal(0, ((Rec*)r)->Errors);
    }

    [Fact]
    public void Mcall_on_g0_is_reported_as_Go_reports_it()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (g, _) = gs.New(Bodies.McallOnG0);
            var e = Assert.Throws<InvalidOperationException>(() => S.Execute(m, (G*)g));
            Assert.Equal("runtime: mcall called on m->g0 stack", e.Message);
            Assert.Equal((int)McallReason.Bad, m->Reason);
            AssertMStillWorks(gs, m);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void An_exited_g_resumed_behind_the_facade_mcalls_back_with_BadResume_instead_of_trapping()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (g, _) = gs.New(Bodies.Return);
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)g));
            Assert.Equal(S.BadMcall, ((G*)g)->Sched.Pc);     // goexit1 leaves badmcall as the resume pc
            // A scheduler bug that skips Execute's checks and gogoes the exited g: badmcall must come back to g0.
            var reason = (McallReason)S.Entry(m, (G*)g);
            Assert.Equal(McallReason.BadResume, reason);
            Assert.Equal(S.BadMcall, ((G*)g)->Sched.Pc);
            AssertMStillWorks(gs, m);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void Morestack_on_g0_is_reported()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (g, _) = gs.New(Bodies.MorestackOnG0);
            var e = Assert.Throws<InvalidOperationException>(() => S.Execute(m, (G*)g));
            Assert.Equal("fatal: morestack on g0", e.Message);
            m->G0->StackGuard0 = 0;
            AssertMStillWorks(gs, m);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void A_nil_g_g0_an_unprepared_g_and_an_exited_g_are_refused_before_switching()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        var bare = Records.NewG();
        try
        {
            Assert.Contains("nil g", Assert.Throws<InvalidOperationException>(() => S.Execute(m, null)).Message);
            Assert.Contains("m->g0", Assert.Throws<InvalidOperationException>(() => S.Execute(m, m->G0)).Message);
            Assert.Contains("no saved context", Assert.Throws<InvalidOperationException>(() => S.Execute(m, bare)).Message);
            Assert.Contains("nil m", Assert.Throws<InvalidOperationException>(() => S.Execute(null, bare)).Message);

            var (g, _) = gs.New(Bodies.Return);
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)g));
            Assert.Contains("has exited", Assert.Throws<InvalidOperationException>(() => S.Execute(m, (G*)g)).Message);

            var (h, _) = gs.New(Bodies.Return);
            ((G*)h)->Sched.G = 0;                        // gogo would load through a nil g
            Assert.Contains("is not g", Assert.Throws<InvalidOperationException>(() => S.Execute(m, (G*)h)).Message);
            AssertMStillWorks(gs, m);
        }
        finally
        {
            Records.FreeG(bare);
            Records.FreeM(m);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void A_frame_that_overflows_the_stack_reports_goroutine_stack_exceeds_the_limit(bool bigFrames, bool guardPages)
    {
        using var gs = new Gs(new StackPool(guardPages: guardPages));
        var m = Records.NewM(1);
        try
        {
            var (gp, _) = gs.New(bigFrames ? Bodies.RecurseBig : Bodies.Recurse);
            var g = (G*)gp;
            Assert.Equal(McallReason.Morestack, S.Execute(m, g));
            Assert.Equal(
                $"runtime: goroutine stack exceeds {StackPool.DefaultStackSize}-byte limit\n" +
                $"runtime: sp={g->Sched.Sp:x} stack=[{g->StackLo:x}, {g->StackHi:x}]\n" +
                "fatal error: stack overflow",
                StackPool.OverflowMessage(g));
            // morestack saved f's context (SP just above the return address of the call into f) and f's caller in morebuf.
            Assert.InRange(g->Sched.Sp, g->StackGuard0 - 2 * StackCheck.StackSmall, g->StackGuard0 + (bigFrames ? 20_100 : 400));
            Assert.Equal((nint)g, m->Morebuf.G);
            Assert.Equal(g->Sched.Sp + 8, m->Morebuf.Sp);
            // The check kept SP well above stack.lo: the signal headroom is untouched.
            Assert.True(g->Sched.Sp - g->StackLo >= StackPool.StackGuard - 2 * StackCheck.StackSmall);
            // Resuming re-runs the check (Go's morestack returns to f's start), which fails the same way.
            var sp = g->Sched.Sp;
            Assert.Equal(McallReason.Morestack, S.Execute(m, g));
            Assert.Equal(sp, g->Sched.Sp);
            AssertMStillWorks(gs, m);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void A_smashed_canary_is_reported_on_the_way_back_to_g0()
    {
        using var gs = new Gs(new StackPool(canary: true));
        var m = Records.NewM(1);
        try
        {
            var (ok, _) = gs.New(Bodies.Return);
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)ok));
            var (g, _) = gs.New(Bodies.SmashCanary);
            var e = Assert.Throws<InvalidOperationException>(() => S.Execute(m, (G*)g));
            Assert.Contains($"goroutine {((G*)g)->Goid} overwrote the canary", e.Message);
            Assert.Contains("fatal error: stack overflow", e.Message);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    private static nint s_otherG;
    private static string? s_reentryError;

    /// <summary>A systemstack callback that (wrongly) runs another goroutine on its own M.</summary>
    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static long Reenter(G* g, nint a0, nint a1)
    {
        try
        {
            S.Execute(g->M, (G*)s_otherG);
            s_reentryError = "no error";
            return 0;
        }
        catch (InvalidOperationException e)
        {
            s_reentryError = e.Message;
            return 1;
        }
        catch (Exception e)
        {
            s_reentryError = e.ToString();
            return 0;
        }
    }

    [Fact]
    public void Entry_from_a_systemstack_callback_on_the_same_M_is_refused_and_the_goroutine_carries_on()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (other, _) = gs.New(Bodies.Return);
            s_otherG = other;
            var (g, r) = gs.New(Bodies.CallSystem);
            ((Rec*)r)->Count = 2;
            ((Rec*)r)->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&Reenter;
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)g));
            Assert.Equal(2, ((Rec*)r)->Result);
            Assert.Equal(
                "runtime: entry on an m that is already running a goroutine (a systemstack callback must not run the scheduler)",
                s_reentryError);
            Assert.Equal(0, m->G0->Sched.Sp);      // entry is over: g0.sched.sp is clear again
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)other));
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void A_poisoned_stackguard0_brings_the_g_back_through_morestack_and_it_resumes_after_the_guard_is_restored()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (gp, _) = gs.New(Bodies.Recurse);
            var g = (G*)gp;
            var guard = g->StackGuard0;
            g->StackGuard0 = StackCheck.StackPreempt;     // Go's preemption request
            Assert.Equal(McallReason.Morestack, S.Execute(m, g));
            Assert.Equal(StackCheck.StackPreempt, g->StackGuard0);
            Assert.True(g->Sched.Sp > g->StackHi - 64, "the first prologue (at the top of the stack) took the request");
            g->StackGuard0 = guard;
            Assert.Equal(McallReason.Morestack, S.Execute(m, g));
            Assert.True(g->Sched.Sp < guard + 512, "after the restore it recursed down to the real limit");
        }
        finally
        {
            Records.FreeM(m);
        }
    }
}
