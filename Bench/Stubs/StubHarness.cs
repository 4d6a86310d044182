using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Iced.Intel;
using Native;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Bench.Stubs;

/// <summary>
/// Goroutine bodies emitted for timing Native's stubs on their own, without the scheduler: an M (the calling thread's
/// g0) and three goroutines on 64 KiB pool stacks.
/// <list type="bullet">
/// <item>switch: gA and gB hand the CPU to each other with <c>switch_to</c> (gosave + gogo, no C#), counting down a
///   shared counter; the g that sees it reach zero returns into goexit, which mcalls back to C#.</item>
/// <item>round trip: gR does <c>lea rax,[loop]; mov ecx,Gosched; jmp mcall</c> forever; C# calls <c>entry</c> once per
///   round trip (C# → goroutine → C#, the scheduler loop's fixed cost).</item>
/// <item>systemstack: gS calls <c>systemstack</c> into an <c>[UnmanagedCallersOnly]</c> C# no-op, counting down.</item>
/// </list>
/// Counters and the other g's address are immediates in the emitted code, so no G field is borrowed.
/// Must be used from one thread at a time (the M is the caller's thread while a method runs).
/// </summary>
public sealed unsafe class StubHarness : IDisposable
{
    readonly StackPool _pool = new();
    readonly M* _m;
    readonly G* _a;
    readonly G* _b;
    readonly G* _r;
    readonly G* _s;
    readonly long* _counter;
    readonly CodeRegion _code;
    readonly nint _switchA, _switchB, _roundTrip, _systemstack;
    bool _disposed;

    /// <summary>Emits the bodies and prepares the goroutines.</summary>
    public StubHarness()
    {
        var stubs = StubSet.Shared;
        _m = Records.NewM(9_000);
        _a = NewG(1);
        _b = NewG(2);
        _r = NewG(3);
        _s = NewG(4);
        _counter = (long*)NativeMemory.AlignedAlloc(64, 64);
        _counter[0] = 0;                            // [0]: the countdown, [1]: callbacks made
        _counter[1] = 0;

        var a = new Assembler(64);
        var switchA = a.CreateLabel("switch_a");
        var switchB = a.CreateLabel("switch_b");
        EmitSwitchBody(a, ref switchA, _b, stubs.SwitchTo);
        EmitSwitchBody(a, ref switchB, _a, stubs.SwitchTo);

        // round trip: for (;;) mcall(Gosched), resuming at the same instruction.
        var roundTrip = a.CreateLabel("round_trip");
        a.Label(ref roundTrip);
        a.lea(rax, __[roundTrip]);
        a.mov(ecx, (uint)McallReason.Gosched);
        a.mov(r11, (ulong)stubs.Mcall);
        a.jmp(r11);

        // systemstack: do { systemstack(Noop, &callbacks, 0) } while (--*counter != 0); return into goexit.
        var systemstack = a.CreateLabel("systemstack_loop");
        a.Label(ref systemstack);
        delegate* unmanaged<G*, nint, nint, long> noop = &Noop;
        a.mov(rax, (ulong)(nint)noop);
        a.mov(rdi, (ulong)(nint)(_counter + 1));   // a0 = this harness's callback count
        a.xor(esi, esi);
        a.mov(r11, (ulong)stubs.Systemstack);
        a.call(r11);
        a.mov(rcx, (ulong)(nint)_counter);
        a.dec(__qword_ptr[rcx]);
        a.jne(systemstack);
        a.ret();                                    // rsp is back at the frame's start: returns into goexit+1
        a.zero_bytes();

        _code = CodeRegion.Assemble(a, new Dictionary<string, Label>
        {
            ["switch_a"] = switchA, ["switch_b"] = switchB, ["round_trip"] = roundTrip, ["systemstack_loop"] = systemstack,
        });
        _switchA = _code["switch_a"];
        _switchB = _code["switch_b"];
        _roundTrip = _code["round_trip"];
        _systemstack = _code["systemstack_loop"];
        StubSet.PrepareGoroutine(_r, _roundTrip, 0);
    }

    /// <summary>
    /// One body of the switch ping-pong: <c>loop: switch_to(other) resuming at next; if (--*counter != 0) goto loop;
    /// return into goexit</c>. Only RSP, RBP and R14 survive switch_to, so the counter lives in memory.
    /// </summary>
    void EmitSwitchBody(Assembler a, ref Label start, G* other, nint switchTo)
    {
        var resume = a.CreateLabel();
        a.Label(ref start);
        a.mov(rdi, (ulong)(nint)other);
        a.lea(rax, __[resume]);
        a.mov(r11, (ulong)switchTo);
        a.jmp(r11);                                 // switch_to(other): saves {resume, rsp, rbp} in g.sched
        a.Label(ref resume);
        a.mov(rcx, (ulong)(nint)_counter);
        a.dec(__qword_ptr[rcx]);
        a.jne(start);
        a.ret();                                    // into goexit+1 → mcall(Exit)
    }

    G* NewG(long goid)
    {
        var g = Records.NewG();
        g->Goid = goid;
        _pool.Allocate(g);
        return g;
    }

    /// <summary>The C# end of the systemstack loop: counts the call in the harness's own counter (a0).</summary>
    [UnmanagedCallersOnly]
    static long Noop(G* g, nint a0, nint a1)
    {
        (*(long*)a0)++;
        return 0;
    }

    /// <summary>Callbacks this harness's systemstack loop has made so far (to check that the loop really ran).</summary>
    public long Callbacks => _counter[1];

    /// <summary>Runs <paramref name="switches"/> g→g switches through switch_to; returns the elapsed time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TimeSpan Switch(long switches)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(switches, 1);
        StubSet.PrepareGoroutine(_a, _switchA, 0);
        StubSet.PrepareGoroutine(_b, _switchB, 0);
        *_counter = switches;
        var sw = Stopwatch.StartNew();
        var reason = StubSet.Shared.Execute(_m, _a);
        var elapsed = sw.Elapsed;
        Check(reason == McallReason.Exit && *_counter == 0, $"switch loop ended with {reason}, counter {*_counter}");
        return elapsed;
    }

    /// <summary>Runs <paramref name="roundTrips"/> C# → goroutine → C# round trips through entry and mcall.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TimeSpan RoundTrip(long roundTrips)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entry = StubSet.Shared.Entry;
        M* m = _m;
        G* g = _r;
        long gosched = 0;
        var sw = Stopwatch.StartNew();
        for (long i = 0; i < roundTrips; i++) gosched += entry(m, g) == (long)McallReason.Gosched ? 1 : 0;
        var elapsed = sw.Elapsed;
        Check(gosched == roundTrips, $"round trip: {gosched} of {roundTrips} came back with Gosched");
        return elapsed;
    }

    /// <summary>Runs <paramref name="calls"/> systemstack calls into a C# no-op from one goroutine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TimeSpan Systemstack(long calls)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(calls, 1);
        StubSet.PrepareGoroutine(_s, _systemstack, 0);
        *_counter = calls;
        var before = Callbacks;
        var sw = Stopwatch.StartNew();
        var reason = StubSet.Shared.Execute(_m, _s);
        var elapsed = sw.Elapsed;
        Check(reason == McallReason.Exit && Callbacks - before == calls, $"systemstack loop ended with {reason} after {Callbacks - before} of {calls} calls");
        return elapsed;
    }

    static void Check(bool ok, string message)
    {
        if (!ok) throw new InvalidOperationException("StubHarness: " + message);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var g in new[] { (nint)_a, (nint)_b, (nint)_r, (nint)_s })
        {
            _pool.Free((G*)g);
            Records.FreeG((G*)g);
        }
        Records.FreeM(_m);
        NativeMemory.AlignedFree(_counter);
        _code.Dispose();
        _pool.Dispose();
    }
}
