using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>systemstack from goroutine code into [UnmanagedCallersOnly] C# on g0, with GCs inside the callback.</summary>
public unsafe class SystemstackTests
{
    private static readonly StubSet S = StubSet.Shared;

    [ThreadStatic] private static List<string>? t_kept;
    [ThreadStatic] private static int t_calls;

    /// <summary>Checks where it runs and what g.sched holds, allocates, throws and catches, and every 10th call
    /// forces a full compacting GC. Returns 2*a0+1, or long.MinValue if anything escaped.</summary>
    [UnmanagedCallersOnly]
    private static long Callback(G* g, nint a0, nint a1)
    {
        try
        {
            var rec = (Rec*)a1;
            long errs = 0;
            if ((nint)g != rec->ExpectG) errs++;
            if (g->Sched.Pc != S.SystemstackRet) errs++;                        // systemstack recorded its resume pc
            if (g->Sched.Sp <= g->StackLo || g->Sched.Sp > g->StackHi) errs++;  // ...and the g's SP
            if (g->Sched.Ctxt != 0 || g->Sched.Ret != 0) errs++;                 // gogo cleared them
            if ((nint)g->M->CurG != (nint)g) errs++;
            byte local;
            var sp = (nint)(&local);
            if (sp >= g->StackLo && sp < g->StackHi) errs++;                    // we run on g0, not on g's stack

            t_kept ??= new List<string>();
            var n = ++t_calls;
            t_kept.Add(new string('x', n % 64) + n);
            try
            {
                throw new InvalidOperationException("caught on g0");
            }
            catch (InvalidOperationException)
            {
            }

            if (n % 10 == 0)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                // Objects survive and move intact.
                for (var i = 0; i < t_kept.Count; i++)
                {
                    var k = i + (n - t_kept.Count) + 1;
                    if (t_kept[i] != new string('x', k % 64) + k) errs++;
                }
            }

            if (t_kept.Count > 200)
            {
                t_kept.RemoveRange(0, 100);
            }

            rec->Errors += errs;
            return 2 * a0 + 1;
        }
        catch
        {
            return long.MinValue;
        }
    }

    [UnmanagedCallersOnly]
    private static long OnG0Callback(G* g, nint a0, nint a1)
    {
        try
        {
            byte local;
            var m = g->M;
            return (nint)m->G0 == (nint)g && a1 == 7 ? (long)(nint)(&local) : -1;
        }
        catch
        {
            return long.MinValue;
        }
    }

    [Fact]
    public void Systemstack_runs_CSharp_on_g0_with_GC_inside_and_returns_to_the_goroutine()
    {
        t_kept = null;
        t_calls = 0;
        using var gs = new Gs();
        var m = Records.NewM(1);
        try
        {
            var (g, r) = gs.New(Bodies.CallSystem);
            var rec = (Rec*)r;
            rec->Count = 1000;
            rec->A0 = 20;
            rec->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&Callback;
            var gcs = GC.CollectionCount(2);
            Assert.Equal(McallReason.Exit, S.Execute(m, (G*)g));
            Assert.Equal(0, rec->Errors);
            Assert.Equal(1000 * 41, rec->Result);
            Assert.True(GC.CollectionCount(2) - gcs >= 100, "the callback forced at least 100 gen-2 collections");
            // systemstack cleared sp/bp on the way back (Go does); pc remains where systemstack recorded it.
            Assert.Equal(S.BadMcall, ((G*)g)->Sched.Pc);  // the g exited afterwards through goexit
        }
        finally
        {
            Records.FreeM(m);
        }
    }

    [Fact]
    public void Systemstack_on_g0_calls_in_place_without_switching()
    {
        var m = Records.NewM(1);
        try
        {
            var g0 = m->G0;
            g0->Sched.Sp = 0x1234;                  // must not be used or changed by the no-switch path
            var harness = (delegate* unmanaged<G*, nint, nint, nint, long>)Bodies.SystemstackOnG0;
            byte here;
            var calleeSp = harness(g0, (nint)(delegate* unmanaged<G*, nint, nint, long>)&OnG0Callback, 0, 7);
            Assert.NotEqual(-1, calleeSp);
            // The callee ran on this thread's stack, a little below us.
            Assert.InRange((nint)(&here) - (nint)calleeSp, 0, 64 * 1024);
            Assert.Equal(0x1234, g0->Sched.Sp);
        }
        finally
        {
            Records.FreeM(m);
        }
    }
}
