using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>Rule 9: process-directed signals do not land on the goroutine stack of an M thread.</summary>
[Collection("Serial memory")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public unsafe partial class SignalTests
{
    [LibraryImport("libc.so.6", EntryPoint = "kill")]
    private static partial int Kill(int pid, int sig);

    [LibraryImport("libc.so.6", EntryPoint = "tgkill")]
    private static partial int Tgkill(int tgid, int tid, int sig);

    [LibraryImport("libc.so.6", EntryPoint = "gettid")]
    private static partial int Gettid();

    private const ulong Pattern = 0xA5A5_5A5A_A5A5_5A5A;

    /// <summary>Runs a spinning goroutine on an M (or, as a control, on a plain thread with no signals blocked),
    /// sends SIGWINCH straight to that thread with tgkill, and returns how many stack bytes below the goroutine's
    /// frame were overwritten.</summary>
    private static int StackBytesTouchedByThreadDirectedSignals(bool onM)
    {
        using var gs = new Gs();
        var (gp, rp) = gs.New(Bodies.SpinUntilCount);
        var g = (G*)gp;
        var from = (ulong*)g->StackGuard0;
        var to = (ulong*)(g->Sched.Sp - 64);
        for (var p = from; p < to; p++)
        {
            *p = Pattern;
        }

        var tid = 0;
        var reason = McallReason.Bad;
        var started = new ManualResetEventSlim();
        MBody body = m =>
        {
            tid = Gettid();
            started.Set();
            reason = StubSet.Shared.Execute(m, g);
        };
        MThread? mt = null;
        Thread? plain = null;
        var plainM = Records.NewM(77);
        if (onM)
        {
            mt = MThread.Start(6, body);
        }
        else
        {
            plain = new Thread(() => body(plainM)) { IsBackground = true };
            plain.Start();
        }

        started.Wait();
        Thread.Sleep(20);                            // let it enter the goroutine
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(0, Tgkill(Environment.ProcessId, tid, 28));
            Thread.Sleep(2);
        }

        Thread.Sleep(20);
        ((Rec*)rp)->Count = 1;
        mt?.Join();
        mt?.Dispose();
        plain?.Join();
        Records.FreeM(plainM);
        Assert.Equal(McallReason.Exit, reason);
        var touched = 0;
        for (var p = from; p < to; p++)
        {
            if (*p != Pattern)
            {
                touched += 8;
            }
        }

        return touched;
    }

    [Fact]
    public void SIGWINCH_sent_to_an_M_stays_pending_instead_of_landing_on_the_goroutine_stack()
    {
        using var reg = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx => ctx.Cancel = true);
        Assert.Equal(0, StackBytesTouchedByThreadDirectedSignals(onM: true));
        // Control: the same on a thread that blocks nothing puts the handler's frames on the goroutine stack,
        // so the measurement above can see them.
        Assert.InRange(StackBytesTouchedByThreadDirectedSignals(onM: false), 1, StackPool.StackGuard * 4);
    }

    [Fact]
    public void SIGWINCH_sent_to_the_process_is_handled_without_touching_a_running_goroutine_stack()
    {
        var handled = 0;
        using var reg = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx =>
        {
            Interlocked.Increment(ref handled);
            ctx.Cancel = true;
        });
        using var gs = new Gs();
        var (gp, rp) = gs.New(Bodies.SpinUntilCount);
        var g = (G*)gp;
        // Fill everything below the first frame (sched.sp = hi-40) down to stackguard0 with a pattern.
        var from = (ulong*)g->StackGuard0;
        var to = (ulong*)(g->Sched.Sp - 64);
        for (var p = from; p < to; p++)
        {
            *p = Pattern;
        }

        McallReason reason = McallReason.Bad;
        var started = new ManualResetEventSlim();
        var t = MThread.Start(5, m =>
        {
            started.Set();
            reason = StubSet.Shared.Execute(m, g);
        });
        started.Wait();
        Thread.Sleep(20);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(0, Kill(Environment.ProcessId, 28));
            Thread.Sleep(2);
        }

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (Volatile.Read(ref handled) == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(5);
        }

        ((Rec*)rp)->Count = 1;                       // let the goroutine return
        t.Join();
        t.Dispose();
        Assert.Equal(McallReason.Exit, reason);
        Assert.True(handled > 0, "no SIGWINCH was handled");
        var touched = 0;
        for (var p = from; p < to; p++)
        {
            if (*p != Pattern)
            {
                touched++;
            }
        }

        Assert.True(touched == 0, $"{touched * 8} bytes of the goroutine stack were overwritten (a signal frame?)");
    }
}
