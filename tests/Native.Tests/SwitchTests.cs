using FsCheck;
using FsCheck.Xunit;
using Native.Layout;

namespace Native.Tests;

/// <summary>Real switches through entry/gogo/mcall/goexit/switch_to on the test thread.</summary>
public unsafe class SwitchTests
{
    private static readonly StubSet S = StubSet.Shared;

    [Fact]
    public void PrepareGoroutine_lays_out_the_frame_as_newproc1_and_gostartcall()
    {
        using var gs = new Gs();
        var (gp, _) = gs.New(Bodies.Yield);
        var g = (G*)gp;
        Assert.Equal(g->StackHi - 40, g->Sched.Sp);
        Assert.Equal(8, (long)(g->Sched.Sp % 16));
        Assert.Equal(S.GoexitPc, *(nint*)g->Sched.Sp);
        Assert.Equal(S.Goexit + 1, S.GoexitPc);
        Assert.Equal(Bodies.Yield, g->Sched.Pc);
        Assert.Equal((nint)g, g->Sched.G);
        Assert.Equal(0, g->Sched.Bp);
        Assert.Equal(0, g->Sched.Ret);
        Assert.NotEqual(0, g->Sched.Ctxt);
        Assert.Equal(Bodies.Yield, g->StartPc);
    }

    [Fact]
    public void Gobuf_facts_after_gogo_and_after_mcall()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (gp, rp) = gs.New(Bodies.Yield);
            var g = (G*)gp;
            var rec = (Rec*)rp;
            rec->Yields = 2;
            rec->Seed = 0x5eed;
            g->Sched.Ret = 0x7777;                            // gogo must load it into RAX and clear it
            var ctxt = g->Sched.Ctxt;

            Assert.Equal(McallReason.Gosched, S.Execute(m, g));
            // After gogo (seen by the body's first instructions): sp/ctxt/ret/bp are 0, pc is kept.
            Assert.Equal(0, rec->ObsSp);
            Assert.Equal(0, rec->ObsCtxt);
            Assert.Equal(0, rec->ObsRet);
            Assert.Equal(0, rec->ObsBp);
            Assert.Equal((long)Bodies.Yield, rec->ObsPc);
            Assert.Equal(0x7777, rec->ObsRax);
            Assert.Equal((long)ctxt, rec->ObsRdx);
            Assert.Equal(8, rec->ObsRspMod16);                // as after a CALL (SysV)
            // After mcall: sp inside the g's stack, pc = the resume point, sched.g == g, bp = the body's frame.
            Assert.InRange(g->Sched.Sp, g->StackGuard0, g->StackHi);
            Assert.Equal(Bodies.YieldResume, g->Sched.Pc);
            Assert.Equal((nint)g, g->Sched.G);
            Assert.InRange(g->Sched.Bp, g->Sched.Sp, g->StackHi);
            Assert.Equal((int)McallReason.Gosched, m->Reason);
            Assert.Equal((nint)g, (nint)m->CurG);
            Assert.Equal((nint)m, (nint)g->M);

            Assert.Equal(McallReason.Gosched, S.Execute(m, g));
            Assert.Equal(McallReason.Exit, S.Execute(m, g));
            // goexit's mcall: the resume pc of an exited g is badmcall; sp is the top frame's (hi-32 after the RET).
            Assert.Equal(S.BadMcall, g->Sched.Pc);
            Assert.Equal(g->StackHi - 32, g->Sched.Sp);
            Assert.Equal(2, rec->Resumes);
            Assert.Equal(0, rec->Errors);
            Assert.Equal(0, rec->MisalignedResumes);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void CSharp_callee_saved_registers_survive_entry()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (gp, rp) = gs.New(Bodies.Yield);
            ((Rec*)rp)->Yields = 3;
            ((Rec*)rp)->Seed = 42;
            var harness = (delegate* unmanaged<M*, G*, nint, long>)Bodies.EntryChecked;
            var reasons = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                reasons.Add(harness(m, (G*)gp, (nint)S.Entry));
            }

            // A negative value -1000-mask names the registers that changed (1 rsp, 2 rbx, 4 rbp, 8 r12, ...).
            Assert.Equal([1, 1, 1, 3], reasons);
            Assert.Equal(0, ((Rec*)rp)->Errors);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void CSharp_callee_saved_registers_survive_every_way_back_from_a_goroutine()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var harness = (delegate* unmanaged<M*, G*, nint, long>)Bodies.EntryChecked;
            // goexit (Exit), morestack (Morestack), mcall on g0 (Bad), morestack on g0 (BadMorestackG0), systemstack + exit.
            (nint Body, McallReason Reason)[] cases =
            [
                (Bodies.Return, McallReason.Exit), (Bodies.Recurse, McallReason.Morestack), (Bodies.McallOnG0, McallReason.Bad),
                (Bodies.MorestackOnG0, McallReason.BadMorestackG0), (Bodies.CallSystem, McallReason.Exit),
            ];
            foreach (var (body, reason) in cases)
            {
                var (g, r) = gs.New(body);
                ((Rec*)r)->Count = 3;
                ((Rec*)r)->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&Twice;
                Assert.Equal((long)reason, harness(m, (G*)g, (nint)S.Entry));
            }
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static long Twice(G* g, nint a0, nint a1) => 2 * a0;

    [Fact]
    public void The_register_harness_detects_a_clobbered_register()
    {
        // The harness itself must be able to fail: call a "stub" that clobbers rbx and r15.
        var a = new Iced.Intel.Assembler(64);
        var start = a.CreateLabel("clobber");
        a.Label(ref start);
        a.mov(Iced.Intel.AssemblerRegisters.rbx, 0);
        a.mov(Iced.Intel.AssemblerRegisters.r15, 0);
        a.mov(Iced.Intel.AssemblerRegisters.eax, 1);
        a.ret();
        using var region = CodeRegion.Assemble(a, new Dictionary<string, Iced.Intel.Label> { ["clobber"] = start });
        var harness = (delegate* unmanaged<M*, G*, nint, long>)Bodies.EntryChecked;
        Assert.Equal(-1000 - (2 | 64), harness(null, null, region["clobber"]));
    }

    [Property(MaxTest = 60)]
    public void N_goroutines_yielding_in_random_orders_keep_their_frames(PositiveInt n0, byte[] yields0, int[] picks)
    {
        var n = 1 + (n0.Get % 12);
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var live = new List<(nint G, nint Rec)>();
            for (var i = 0; i < n; i++)
            {
                var (g, r) = gs.New(Bodies.Yield);
                ((Rec*)r)->Yields = yields0.Length == 0 ? i % 3 : yields0[i % yields0.Length] % 16;
                ((Rec*)r)->Seed = unchecked(0x1234_5678_9abc_def0L * (i + 1));
                live.Add((g, r));
            }

            var all = live.ToList();
            var entries = new Dictionary<nint, int>();
            var step = 0;
            while (live.Count > 0)
            {
                var pick = picks.Length == 0 ? 0 : picks[step % picks.Length];
                step++;
                var k = (int)((uint)pick % (uint)live.Count);
                var (g, r) = live[k];
                var reason = S.Execute(m, (G*)g);
                entries[g] = entries.GetValueOrDefault(g) + 1;
                var gg = (G*)g;
                if (reason == McallReason.Exit)
                {
                    live.RemoveAt(k);
                    continue;
                }

                Assert.Equal(McallReason.Gosched, reason);
                Assert.Equal(Bodies.YieldResume, gg->Sched.Pc);
                Assert.InRange(gg->Sched.Sp, gg->StackGuard0, gg->StackHi);
            }

            foreach (var (g, r) in all)
            {
                var rec = (Rec*)r;
                Assert.True(rec->Errors == 0, $"g{((G*)g)->Goid}: {rec->Errors} frame/register check failures");
                Assert.Equal(rec->Yields, rec->Resumes);
                Assert.Equal(rec->Yields + 1, entries[g]);
                Assert.Equal(0, rec->MisalignedResumes);
            }
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void Switch_to_ping_pong_runs_both_goroutines_without_CSharp()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (a, ra) = gs.New(Bodies.PingPong);
            var (b, rb) = gs.New(Bodies.PingPong);
            ((Rec*)ra)->Other = b;
            ((Rec*)rb)->Other = a;
            ((Rec*)ra)->Count = 100_000;
            ((Rec*)rb)->Count = 100_000;
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)a));
            // a switched to b 100,000 times; b switched back as often, then a's count ran out and a exited...
            var first = (nint)m->CurG;
            Assert.Equal(a, first);
            // ...leaving b parked inside switch_to: resume it to let it finish.
            Assert.NotEqual(0, ((G*)b)->Sched.Sp);
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)b));
            Assert.Equal(100_000, ((Rec*)ra)->Resumes);
            Assert.Equal(100_000, ((Rec*)rb)->Resumes);
            Assert.Equal((nint)m, (nint)((G*)b)->M);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void A_goroutine_that_returns_at_once_exits_through_goexit()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (g, _) = gs.New(Bodies.Return);
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)g));
            Assert.Equal((int)McallReason.Exit, m->Reason);
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void Gosave_records_the_callers_context_and_gogo_returns_from_it_a_second_time()
    {
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (gp, rp) = gs.New(Bodies.GosaveTwice);
            var g = (G*)gp;
            var rec = (Rec*)rp;
            Assert.Equal(McallReason.Gosched, S.Execute(m, g));
            var buf = rec->Buf;
            Assert.Equal(gp, buf.G);                          // buf.g = R14
            Assert.Equal(Bodies.GosaveRet, buf.Pc);           // the return address
            Assert.Equal(g->Sched.Sp, buf.Sp);                // the caller's SP after the return (mcall saw the same)
            Assert.Equal(g->Sched.Bp, buf.Bp);
            Assert.Equal(0, buf.Ret);
            Assert.Equal(0, buf.Ctxt);

            buf.Ret = 99;                                     // what the second return sees in RAX
            g->Sched = buf;
            Assert.Equal(McallReason.Exit, S.Execute(m, g));
            Assert.Equal(99, rec->ObsRax);
            Assert.Equal(1, rec->Resumes);
        }
        finally
        {
            Records.FreeM(m);
        }
    }
}
