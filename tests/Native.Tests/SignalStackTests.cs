using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>
/// Rule 13: the CLR's activation signal (SIGRTMIN) never lands on a goroutine stack of an M: each M has a 32 KiB
/// alternate signal stack and the handler has SA_ONSTACK. Measured with patterns: the goroutine stack below its frames
/// and the M's alternate stack are filled, signals are delivered, and the test counts the words each lost.
/// </summary>
[Collection("Serial memory")]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public unsafe partial class SignalStackTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [LibraryImport("libc.so.6", EntryPoint = "tgkill")]
    private static partial int Tgkill(int tgid, int tid, int sig);

    [LibraryImport("libc.so.6", EntryPoint = "gettid")]
    private static partial int Gettid();

    private const ulong Pattern = 0x5A5A_A5A5_5A5A_A5A5;

    private static void Fill(nint from, nint to)
    {
        for (var p = (ulong*)from; p < (ulong*)to; p++)
        {
            *p = Pattern;
        }
    }

    private static int Touched(nint from, nint to) => Touched(from, to, out _);

    /// <summary>Bytes (whole words) that lost the pattern in [from, to); <paramref name="highest"/> = the highest such
    /// word's address, 0 if none.</summary>
    private static int Touched(nint from, nint to, out nint highest)
    {
        var n = 0;
        highest = 0;
        for (var p = (ulong*)from; p < (ulong*)to; p++)
        {
            if (*p != Pattern)
            {
                n += 8;
                highest = (nint)p;
            }
        }

        return n;
    }

    [Fact]
    public void The_activation_handler_has_SA_ONSTACK_once_an_M_ran()
    {
        var t = MThread.Start(21, _ => { });
        t.Join();
        t.Dispose();
        Assert.NotEqual(0, SignalStack.HandlerFlags(SignalStack.ActivationSignal) & 0x0800_0000);
        Assert.NotEqual(0, SignalStack.Trampoline);
        Assert.NotEqual(0, SignalStack.ActivationHandler);
        output.WriteLine($"SIGRTMIN = {SignalStack.ActivationSignal}; sa_flags before: 0x{SignalStack.ActivationFlagsBefore:x}, now 0x{SignalStack.HandlerFlags(SignalStack.ActivationSignal):x}");
    }

    [Fact]
    public void An_M_has_its_own_32_KiB_signal_stack_and_gives_the_previous_one_back()
    {
        (nint Sp, nuint Size, int Flags) during = default, after = default;
        nint lo = 0;
        MThread? self = null;
        var ready = new ManualResetEventSlim();
        self = MThread.Start(22, _ =>
        {
            ready.Wait();
            during = SignalStack.Current();
            lo = self!.SignalStackLo;
        });
        ready.Set();
        self.Join();
        self.Dispose();
        Assert.Equal(lo, during.Sp);
        Assert.Equal((nuint)SignalStack.Size, during.Size);
        var before = SignalStack.Current(); // a plain CLR thread: the CLR's own (or none)
        after = before;
        output.WriteLine($"M: altstack {during.Sp:x} size {during.Size}; test thread: {after.Sp:x} size {after.Size} flags {after.Flags}");
    }

    /// <summary>tgkill(SIGRTMIN) straight to an M while its goroutine spins in emitted code: the CLR's handler runs
    /// (and finds no managed code to suspend), on the M's alternate stack.</summary>
    [Fact]
    public void SIGRTMIN_sent_to_an_M_running_goroutine_code_lands_on_the_alternate_stack()
    {
        using var gs = new Gs();
        var (gp, rp) = gs.New(Bodies.SpinUntilCount);
        var g = (G*)gp;
        Fill(g->StackLo, g->StackHi - 128);
        var tid = 0;
        var reason = McallReason.Bad;
        var started = new ManualResetEventSlim();
        var mt = MThread.Start(23, m =>
        {
            tid = Gettid();
            started.Set();
            reason = StubSet.Shared.Execute(m, g);
        });
        started.Wait();
        var alt = mt.SignalStackLo;
        Assert.NotEqual(0, alt);
        Fill(alt, alt + SignalStack.Size);
        Thread.Sleep(20); // into the goroutine
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(0, Tgkill(Environment.ProcessId, tid, SignalStack.ActivationSignal));
            Thread.Sleep(1);
        }

        Thread.Sleep(20);
        var onAlt = Touched(alt, alt + SignalStack.Size);
        ((Rec*)rp)->Count = 1;
        mt.Join();
        mt.Dispose();
        Assert.Equal(McallReason.Exit, reason);
        var onG = Touched(g->StackLo, g->StackHi - 128, out var highest);
        output.WriteLine($"after 20 SIGRTMIN: {onG} bytes touched on the goroutine stack {(highest == 0 ? "" : $" (highest at hi-{g->StackHi - highest})")}, {onAlt} on the M's alternate stack");
        Assert.Equal(0, onG);
        Assert.InRange(onAlt, 1, SignalStack.Size);
    }

    [UnmanagedCallersOnly]
    private static long Alloc(G* g, nint a0, nint a1)
    {
        try
        {
            var arr = new byte[(int)a0];
            arr[^1] = 1;
            return arr.Length;
        }
        catch
        {
            return long.MinValue;
        }
    }

    /// <summary>The realistic case: another thread forces collections back to back while the M alternates between
    /// goroutine code and C# on g0 (systemstack into an allocating callback), so the CLR suspends the M over and over
    /// with its activation signal. Nothing below the goroutine's frames may change; the M's alternate stack shows where
    /// the handler ran.</summary>
    [Fact]
    public void Under_GC_suspension_no_signal_frame_lands_on_the_goroutine_stack()
    {
        using var gs = new Gs();
        var (gp, rp) = gs.New(Bodies.CallSystem);
        var g = (G*)gp;
        var r = (Rec*)rp;
        r->Count = 400_000;
        r->A0 = 64;
        r->Fn = (nint)(delegate* unmanaged<G*, nint, nint, long>)&Alloc;
        Fill(g->StackLo, g->StackHi - 512);
        using var stop = new CancellationTokenSource();
        long collections = 0;
        var hammer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                Interlocked.Increment(ref collections);
            }
        }) { IsBackground = true };
        var reason = McallReason.Bad;
        nint alt = 0, lowest = 0;
        var onAlt = 0;
        var filled = new ManualResetEventSlim();
        var assigned = new ManualResetEventSlim();
        MThread? mt = null;
        mt = MThread.Start(24, m =>
        {
            assigned.Wait();
            alt = mt!.SignalStackLo;
            Fill(alt - 4096, alt + SignalStack.Size); // and the page below it (the lowest page of the thread's stack)
            filled.Set();
            reason = StubSet.Shared.Execute(m, g);
            // Read the alternate stack here: once the thread ends, glibc gives its stack pages back (MADV_DONTNEED).
            onAlt = Touched(alt, alt + SignalStack.Size);
            lowest = Lowest(alt - 4096, alt + SignalStack.Size);
        });
        assigned.Set();
        filled.Wait();
        hammer.Start();
        mt.Join();
        stop.Cancel();
        hammer.Join();
        mt.Dispose();
        Assert.Equal(McallReason.Exit, reason);
        Assert.Equal(400_000L * 64, r->Result);
        var onG = Touched(g->StackLo, g->StackHi - 512);
        output.WriteLine($"{Interlocked.Read(ref collections)} forced collections; {onG} bytes touched below the goroutine's frames, {onAlt} bytes on the M's alternate stack, deepest write {alt + SignalStack.Size - lowest} bytes below its top");
        Assert.Equal(0, onG);
        Assert.True(lowest >= alt, "the handler ran past the alternate stack's low end");
        // Whether the CLR suspended the M by signal at all depends on where each collection found it (a Release build's
        // loop may reach its safe points without one): the sibling test sends SIGRTMIN straight to the M and requires
        // the frame on the alternate stack; here a signal, if any came, must not have touched the goroutine's stack.
        if (onAlt == 0) output.WriteLine("no suspension signal reached the M in this run");
    }

    private static nint Lowest(nint from, nint to)
    {
        for (var p = (ulong*)from; p < (ulong*)to; p++)
        {
            if (*p != Pattern)
            {
                return (nint)p;
            }
        }

        return to;
    }
}
