using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>
/// StubOptions.ShadowSched: right after a g switches back to g0 (entry returning from its mcall, or the first
/// instruction of a systemstack callback), m.shadowsched holds the g.sched the g ran with, which the switch's own save
/// has already overwritten in g.sched: after gogo, sp = ctxt = ret = bp = 0 (B2), pc = where gogo jumped, g = the g.
/// </summary>
public unsafe class ShadowSchedTests
{
    private static readonly StubSet Shadow = StubSet.Get(StubOptions.ShadowSched);
    private static readonly CodeRegion ShadowBodies = Bodies.RegionFor(Shadow);

    /// <summary>The shadow copied at the start of the last systemstack callback (the callback's first act).</summary>
    [ThreadStatic] private static Gobuf[]? t_seen;
    [ThreadStatic] private static int t_calls;

    [UnmanagedCallersOnly]
    private static long RecordShadow(G* g, nint a0, nint a1)
    {
        try
        {
            t_seen![t_calls++] = g->M->ShadowSched;
            return 1;
        }
        catch
        {
            return long.MinValue;
        }
    }

    private static void AssertRanAfterGogo(Gobuf shadow, nint g, nint pc, string where)
    {
        Assert.True(shadow.Sp == 0 && shadow.Ctxt == 0 && shadow.Ret == 0 && shadow.Bp == 0 && shadow.Lr == 0,
            $"{where}: shadow {{sp={shadow.Sp:x} ctxt={shadow.Ctxt:x} ret={shadow.Ret:x} lr={shadow.Lr:x} bp={shadow.Bp:x}}} should be all zero after gogo");
        Assert.Equal(pc, shadow.Pc);
        Assert.Equal(g, shadow.G);
    }

    [Fact]
    public void After_a_g_yields_by_mcall_the_shadow_holds_exactly_what_gogo_left()
    {
        using var gs = new Gs(stubs: Shadow);
        var m = Records.NewM(1);
        try
        {
            var (gp, rp) = gs.New(ShadowBodies["yield"]);
            var g = (G*)gp;
            ((Rec*)rp)->Yields = 2;
            g->Sched.Ret = 0x7777;                        // gogo loads it into RAX and must clear it
            Assert.Equal(0, m->ShadowSched.G);            // nothing switched yet

            Assert.Equal(McallReason.Gosched, Shadow.Execute(m, g));
            AssertRanAfterGogo(m->ShadowSched, gp, ShadowBodies["yield"], "first yield");
            // ...while g.sched itself already holds mcall's save.
            Assert.NotEqual(0, g->Sched.Sp);
            Assert.Equal(ShadowBodies["yield_resume"], g->Sched.Pc);

            Assert.Equal(McallReason.Gosched, Shadow.Execute(m, g));
            AssertRanAfterGogo(m->ShadowSched, gp, ShadowBodies["yield_resume"], "second yield");

            Assert.Equal(McallReason.Exit, Shadow.Execute(m, g));     // goexit1 mcalls too
            AssertRanAfterGogo(m->ShadowSched, gp, ShadowBodies["yield_resume"], "goexit");
            Assert.Equal(Shadow.BadMcall, g->Sched.Pc);
            Assert.Equal(0, ((Rec*)rp)->Errors);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void In_a_systemstack_callback_the_shadow_holds_what_gogo_left_and_then_what_systemstack_left()
    {
        using var gs = new Gs(stubs: Shadow);
        var m = Records.NewM(1);
        try
        {
            t_seen = new Gobuf[3];
            t_calls = 0;
            var (gp, rp) = gs.New(ShadowBodies["callsystem"]);
            var rec = (Rec*)rp;
            rec->Count = 3;
            rec->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&RecordShadow;

            Assert.Equal(McallReason.Exit, Shadow.Execute(m, (G*)gp));
            Assert.Equal(3, rec->Result);
            // The first call runs with what gogo left; the later ones with what the previous systemstack left: sp and
            // bp cleared on its way back, pc its own (stale) systemstack_ret.
            AssertRanAfterGogo(t_seen[0], gp, ShadowBodies["callsystem"], "first callback");
            AssertRanAfterGogo(t_seen[1], gp, Shadow.SystemstackRet, "second callback");
            AssertRanAfterGogo(t_seen[2], gp, Shadow.SystemstackRet, "third callback");
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void At_morestack_the_shadow_holds_what_gogo_left()
    {
        using var gs = new Gs(stubs: Shadow);
        var m = Records.NewM(1);
        try
        {
            var (gp, _) = gs.New(ShadowBodies["recurse_body"]);
            Assert.Equal(McallReason.Morestack, Shadow.Execute(m, (G*)gp));
            AssertRanAfterGogo(m->ShadowSched, gp, ShadowBodies["recurse_body"], "morestack");
            Assert.Equal((nint)gp, m->Morebuf.G);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void Without_the_option_the_shadow_is_never_written()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (gp, rp) = gs.New(Bodies.Yield);
            ((Rec*)rp)->Yields = 1;
            Assert.Equal(McallReason.Gosched, StubSet.Shared.Execute(m, (G*)gp));
            Assert.Equal(McallReason.Exit, StubSet.Shared.Execute(m, (G*)gp));
            Assert.Equal(default, m->ShadowSched);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void The_shadow_copy_keeps_every_register_CSharp_and_the_goroutine_rely_on()
    {
        using var gs = new Gs(stubs: Shadow);
        var m = Records.NewM(1);
        try
        {
            var harness = (delegate* unmanaged<M*, G*, nint, long>)ShadowBodies["entry_checked"];
            // The yield body checks its frame, R14 and sched.sp after every resume; systemstack's callback gets its
            // arguments; morestack's and goexit's ways back restore C#'s callee-saved registers.
            (string Body, McallReason Reason)[] cases =
            [
                ("yield", McallReason.Gosched), ("callsystem", McallReason.Exit), ("recurse_body", McallReason.Morestack),
                ("return", McallReason.Exit),
            ];
            t_seen = new Gobuf[3];
            foreach (var (body, reason) in cases)
            {
                t_calls = 0;
                var (g, r) = gs.New(ShadowBodies[body]);
                var rec = (Rec*)r;
                rec->Yields = 1;
                rec->Seed = 0x5eed;
                rec->Count = 3;
                rec->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&RecordShadow;
                Assert.Equal((long)reason, harness(m, (G*)g, (nint)Shadow.Entry));
                Assert.Equal(0, rec->Errors);
            }
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void A_diagnostic_gogo_that_keeps_a_field_shows_it_in_the_shadow()
    {
        if (!StubSet.DiagnosticBuild)
        {
            Assert.Throws<InvalidOperationException>(() => StubSet.Get(StubOptions.GogoKeepsBp | StubOptions.ShadowSched));
            return;
        }

        foreach (var keep in new[] { StubOptions.GogoKeepsSp, StubOptions.GogoKeepsRet, StubOptions.GogoKeepsCtxt, StubOptions.GogoKeepsBp })
        {
            var set = StubSet.Get(keep | StubOptions.ShadowSched);
            using var gs = new Gs(stubs: set);
            var m = Records.NewM(1);
            try
            {
                var (gp, rp) = gs.New(Bodies.RegionFor(set)["yield"]);
                var g = (G*)gp;
                ((Rec*)rp)->Yields = 1;
                g->Sched.Ret = 0x7777;
                g->Sched.Bp = 0x8888;        // the body's frame chain only needs rbp to survive, not to be 0
                var loaded = g->Sched;
                Assert.Equal(McallReason.Gosched, set.Execute(m, g));
                var shadow = m->ShadowSched;
                var kept = new Gobuf { Pc = loaded.Pc, G = loaded.G };
                switch (keep)
                {
                    case StubOptions.GogoKeepsSp: kept.Sp = loaded.Sp; break;
                    case StubOptions.GogoKeepsRet: kept.Ret = loaded.Ret; break;
                    case StubOptions.GogoKeepsCtxt: kept.Ctxt = loaded.Ctxt; break;
                    default: kept.Bp = loaded.Bp; break;
                }

                Assert.True(kept.Equals(shadow), $"{keep}: shadow sp={shadow.Sp:x} ctxt={shadow.Ctxt:x} ret={shadow.Ret:x} bp={shadow.Bp:x}");
                Assert.Equal(McallReason.Exit, set.Execute(m, g));
            }
            finally
            {
                Records.FreeM(m);
            }
        }
    }

    [Fact]
    public void A_diagnostic_systemstack_that_keeps_sp_shows_it_in_the_next_callbacks_shadow()
    {
        if (!StubSet.DiagnosticBuild)
        {
            Assert.Throws<InvalidOperationException>(() => StubSet.Get(StubOptions.SystemstackKeepsSp));
            return;
        }

        var set = StubSet.Get(StubOptions.SystemstackKeepsSp | StubOptions.ShadowSched);
        using var gs = new Gs(stubs: set);
        var m = Records.NewM(1);
        try
        {
            t_seen = new Gobuf[2];
            t_calls = 0;
            var (gp, rp) = gs.New(Bodies.RegionFor(set)["callsystem"]);
            var rec = (Rec*)rp;
            rec->Count = 2;
            rec->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&RecordShadow;
            Assert.Equal(McallReason.Exit, set.Execute(m, (G*)gp));
            Assert.Equal(0, t_seen[0].Sp);                                 // after gogo
            Assert.InRange(t_seen[1].Sp, ((G*)gp)->StackLo, ((G*)gp)->StackHi); // left behind by the first way back
            Assert.Equal(0, t_seen[1].Bp);                                 // bp is still cleared
        }
        finally
        {
            Records.FreeM(m);
        }
    }
}
