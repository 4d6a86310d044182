using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Iced.Intel;
using Native;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Bench;

/// <summary>
/// The quick measurement of Native's stubs (issue 2), not a test: ns per operation, median of several runs, with a plain
/// unmanaged call of an empty native stub as the baseline measured in the same process.
/// <list type="bullet">
/// <item>(a) C# → goroutine → C#: <c>entry</c> into a goroutine that does <c>lea rax,[loop]; mov ecx,Gosched; jmp mcall</c>.</item>
/// <item>(b) native g→g: two goroutines ping-pong through <c>switch_to</c> (one switch per operation), next to (b0) a
///   minimal hand-written switch (save pc/sp, load sp, jump: no g, no m, no bp) for the 1.5x target.</item>
/// <item>(c) systemstack into an empty <c>[UnmanagedCallersOnly]</c> C# method and back, next to (c0) the same
///   reverse P/Invoke called from native code on g0 without any stack switch.</item>
/// </list>
/// Usage: <c>NativeQuick.Run(Console.Out)</c> (wired to <c>dotnet run --project Bench -c Release -- native</c> by Bench's owner).
/// </summary>
public static unsafe class NativeQuick
{
    const int Runs = 9;
    const long Ops = 2_000_000;

    /// <summary>Runs every measurement and prints one line each.</summary>
    public static void Run(TextWriter output)
    {
        using var h = new Harness(StubSet.Shared);
        output.WriteLine($"Native stubs: ns per operation over {Runs} runs of {Ops:N0} operations ({RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} CPUs)");
        output.WriteLine($"  {"operation",-74} {"median",7} {"min",7}   {"median/baseline",5}");
        var baseline = Measure(h.Baseline);
        Report(output, "baseline: unmanaged call of an empty native stub (mov rax,rdi; ret)", baseline, baseline);
        Report(output, "(a) C# -> goroutine -> C# round trip (entry + mcall)", Measure(h.RoundTrip), baseline);
        var b0 = Measure(h.MinimalSwitch);
        Report(output, "(b0) minimal hand-written switch: save pc/sp, load sp, jmp", b0, baseline);
        var b1 = Measure(h.GobufSwitch);
        Report(output, "(b1) hand-written gobuf switch: gosave + gogo as Go, no m/g.m writes", b1, baseline);
        var b = Measure(h.SwitchTo);
        Report(output, "(b) native g->g switch: switch_to ping-pong", b, baseline);
        output.WriteLine($"  (b)/(b0) = {b.Median / b0.Median:F2} (min {b.Min / b0.Min:F2}); (b)/(b1) = {b.Median / b1.Median:F2} (min {b.Min / b1.Min:F2})");
        Report(output, "(c0) reverse P/Invoke from native code on g0, no switch", Measure(h.CallbackOnG0), baseline);
        Report(output, "(c) systemstack into C# and back", Measure(h.Systemstack), baseline);
        // The checked runs' stub set: mcall and systemstack first copy g.sched into m.shadowsched (7 loads, 7 stores).
        // Measured interleaved with the default set, run by run, so that a noisy neighbour hits both alike.
        using var hs = new Harness(StubSet.Get(StubOptions.ShadowSched));
        var (a, aShadow) = MeasureInterleaved(h.RoundTrip, hs.RoundTrip);
        Report(output, "(a) round trip, default stubs (interleaved with the next line)", a, baseline);
        Report(output, "(a') the same round trip, stubs with ShadowSched", aShadow, baseline);
        var (c, cShadow) = MeasureInterleaved(h.Systemstack, hs.Systemstack);
        Report(output, "(c) systemstack, default stubs (interleaved with the next line)", c, baseline);
        Report(output, "(c') the same systemstack, stubs with ShadowSched", cShadow, baseline);
    }

    /// <summary><see cref="Measure"/> for two operations at once: 40 short runs of each, alternating, so that a noisy
    /// neighbour hits both alike (a difference of about 1 ns needs that on this machine).</summary>
    static ((double Median, double Min) First, (double Median, double Min) Second) MeasureInterleaved(
        Func<long, TimeSpan> first, Func<long, TimeSpan> second)
    {
        const int rounds = 40;
        const long ops = Ops / 4;
        first(Ops / 10);
        second(Ops / 10);
        var x = new double[rounds];
        var y = new double[rounds];
        for (var i = 0; i < rounds; i++)
        {
            x[i] = first(ops).TotalNanoseconds / ops;
            y[i] = second(ops).TotalNanoseconds / ops;
        }

        Array.Sort(x);
        Array.Sort(y);
        return ((x[rounds / 2], x[0]), (y[rounds / 2], y[0]));
    }

    static void Report(TextWriter output, string what, (double Median, double Min) ns, (double Median, double Min) baseline) =>
        output.WriteLine($"  {what,-74} {ns.Median,7:F2} {ns.Min,7:F2}   {ns.Median / baseline.Median,5:F1}x");

    /// <summary>ns/op over <see cref="Runs"/> runs after one warm-up run: the median, and the minimum (the run least
    /// disturbed by other processes; on a shared 2-core machine the median can be twice the minimum).</summary>
    static (double Median, double Min) Measure(Func<long, TimeSpan> run)
    {
        run(Ops / 10);
        var samples = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            samples[i] = run(Ops).TotalNanoseconds / Ops;
        }

        Array.Sort(samples);
        return (samples[Runs / 2], samples[0]);
    }

    [UnmanagedCallersOnly]
    static long Empty(G* g, nint a0, nint a1) => a0;

    /// <summary>The emitted bodies, an M (the calling thread's g0) and the goroutines.</summary>
    sealed class Harness : IDisposable
    {
        readonly StackPool _pool = new();
        readonly M* _m = Records.NewM(42);
        readonly G* _a, _b, _r, _s, _x;
        readonly long* _data;              // [0] counter, [2..3] minimal switch ctx A {pc, sp}, [4..5] ctx B, gobuf ctxs at CtxA/CtxB
        const int CtxA = 16;               // in longs: a 56-byte gobuf + "other" pointer, 64 bytes each
        const int CtxB = 24;
        readonly CodeRegion _code;
        readonly StubSet _stubs;

        public Harness(StubSet stubs)
        {
            _stubs = stubs;
            _a = NewG(1);
            _b = NewG(2);
            _r = NewG(3);
            _s = NewG(4);
            _x = NewG(5);
            _data = (long*)NativeMemory.AlignedAlloc(256, 64);
            NativeMemory.Clear(_data, 256);

            var counter = (ulong)(nint)_data;
            var a = new Assembler(64);
            var labels = new Dictionary<string, Label>();

            // baseline: long empty(long x) { return x; }
            var empty = a.CreateLabel("empty");
            a.Label(ref empty);
            a.mov(rax, rdi);
            a.ret();
            labels["empty"] = empty;

            // (a) for (;;) mcall(Gosched) resuming at the same instruction.
            var rt = a.CreateLabel("round_trip");
            a.Label(ref rt);
            a.lea(rax, __[rt]);
            a.mov(ecx, (int)McallReason.Gosched);
            a.jmp((ulong)stubs.Mcall);
            labels["round_trip"] = rt;

            // (b) loop: if (--*counter == 0) return; switch_to(other) resuming at loop.
            var other = new[] { (nint)_b, (nint)_a };
            for (var i = 0; i < 2; i++)
            {
                var start = a.CreateLabel("switch_" + i);
                var done = a.CreateLabel();
                a.Label(ref start);
                a.mov(rcx, counter);
                a.dec(__qword_ptr[rcx]);
                a.je(done);
                a.mov(rdi, (ulong)other[i]);
                a.lea(rax, __[start]);
                a.jmp((ulong)stubs.SwitchTo);
                a.Label(ref done);
                a.lea(rax, __[start]);          // leave this g resumable at loop
                a.mov(ecx, (int)McallReason.Exit);
                a.jmp((ulong)stubs.Mcall);
                labels["switch_" + i] = start;
            }

            // (b0) the same loop with a minimal switch: ctx = {pc, sp}; save ours, load theirs, jump.
            for (var i = 0; i < 2; i++)
            {
                var start = a.CreateLabel("min_" + i);
                var done = a.CreateLabel();
                var self = 16 + 16 * i;
                var them = 16 + 16 * (1 - i);
                a.Label(ref start);
                a.mov(rcx, counter);
                a.dec(__qword_ptr[rcx]);
                a.je(done);
                a.lea(rax, __[start]);
                a.mov(__qword_ptr[rcx + self], rax);
                a.mov(__qword_ptr[rcx + self + 8], rsp);
                a.mov(rsp, __qword_ptr[rcx + them + 8]);
                a.jmp(__qword_ptr[rcx + them]);
                a.Label(ref done);
                a.lea(rax, __[start]);
                a.mov(ecx, (int)McallReason.Exit);
                a.jmp((ulong)stubs.Mcall);      // back to C# through the g that entered (R14 never changed)
                labels["min_" + i] = start;
            }

            // (b1) the same loop through one shared hand-written gobuf switch. R14 = &ctx (laid out as a gobuf plus
            // "other" at +56); it saves pc/sp/bp, then loads g (and touches it), sp, bp, ret, ctxt, zeroes sp/bp/ret/ctxt
            // and jumps: gogo's work without m.curg/g.m bookkeeping.
            var gobufSwitch = a.CreateLabel();
            a.Label(ref gobufSwitch);
            a.mov(__qword_ptr[r14 + GobufLayout.Pc], rax);
            a.mov(__qword_ptr[r14 + GobufLayout.Sp], rsp);
            a.mov(__qword_ptr[r14 + GobufLayout.Bp], rbp);
            a.mov(rdi, __qword_ptr[r14 + GobufLayout.Size]);
            a.mov(rdx, __qword_ptr[rdi + GobufLayout.G]);
            a.mov(rcx, __qword_ptr[rdx]);
            a.mov(r14, rdi);
            a.mov(rsp, __qword_ptr[rdi + GobufLayout.Sp]);
            a.mov(rax, __qword_ptr[rdi + GobufLayout.Ret]);
            a.mov(rdx, __qword_ptr[rdi + GobufLayout.Ctxt]);
            a.mov(rbp, __qword_ptr[rdi + GobufLayout.Bp]);
            a.mov(__qword_ptr[rdi + GobufLayout.Sp], 0);
            a.mov(__qword_ptr[rdi + GobufLayout.Ret], 0);
            a.mov(__qword_ptr[rdi + GobufLayout.Ctxt], 0);
            a.mov(__qword_ptr[rdi + GobufLayout.Bp], 0);
            a.mov(rcx, __qword_ptr[rdi + GobufLayout.Pc]);
            a.jmp(rcx);
            for (var i = 0; i < 2; i++)
            {
                var start = a.CreateLabel("gobuf_" + i);
                var done = a.CreateLabel();
                if (i == 0)
                {
                    var init = a.CreateLabel("gobuf_init");
                    a.Label(ref init);
                    a.mov(r14, (ulong)(nint)(_data + CtxA));
                    a.jmp(start);
                    labels["gobuf_init"] = init;
                }

                a.Label(ref start);
                a.mov(rcx, counter);
                a.dec(__qword_ptr[rcx]);
                a.je(done);
                a.lea(rax, __[start]);
                a.jmp(gobufSwitch);
                a.Label(ref done);
                a.mov(r14, (ulong)(nint)_x);     // back to C# as the g that entered
                a.lea(rax, __[start]);
                a.mov(ecx, (int)McallReason.Exit);
                a.jmp((ulong)stubs.Mcall);
                labels["gobuf_" + i] = start;
            }

            // (c) loop: if (--*counter == 0) return; systemstack(Empty, 0, 0).
            var ss = a.CreateLabel("systemstack_loop");
            var ssDone = a.CreateLabel();
            a.Label(ref ss);
            a.mov(rcx, counter);
            a.dec(__qword_ptr[rcx]);
            a.je(ssDone);
            a.mov(rax, (ulong)(nint)(delegate* unmanaged<G*, nint, nint, long>)&Empty);
            a.xor(edi, edi);
            a.xor(esi, esi);
            a.call((ulong)stubs.Systemstack);
            a.jmp(ss);
            a.Label(ref ssDone);
            a.lea(rax, __[ss]);
            a.mov(ecx, (int)McallReason.Exit);
            a.jmp((ulong)stubs.Mcall);
            labels["systemstack_loop"] = ss;

            // (c0) void call_n(long n, fn) on g0: for (; n != 0; n--) fn(0, 0, 0).
            var calln = a.CreateLabel("call_n");
            var again = a.CreateLabel();
            a.Label(ref calln);
            a.push(rbx);
            a.push(r12);
            a.sub(rsp, 8);
            a.mov(rbx, rdi);
            a.mov(r12, rsi);
            a.Label(ref again);
            a.xor(edi, edi);
            a.xor(esi, esi);
            a.xor(edx, edx);
            a.call(r12);
            a.dec(rbx);
            a.jne(again);
            a.add(rsp, 8);
            a.pop(r12);
            a.pop(rbx);
            a.ret();
            labels["call_n"] = calln;

            _code = CodeRegion.Assemble(a, labels);
            _stubs.Prepare(_r, _code["round_trip"], 0);
        }

        G* NewG(long goid)
        {
            var g = Records.NewG();
            g->Goid = goid;
            _pool.Allocate(g);
            return g;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public TimeSpan Baseline(long n)
        {
            var f = (delegate* unmanaged<long, long>)_code["empty"];
            long sum = 0;
            var sw = Stopwatch.StartNew();
            for (long i = 0; i < n; i++)
            {
                sum += f(i);
            }

            var t = sw.Elapsed;
            Check(sum == n * (n - 1) / 2, "baseline sum");
            return t;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public TimeSpan RoundTrip(long n)
        {
            var entry = _stubs.Entry;
            M* m = _m;
            G* g = _r;
            long gosched = 0;
            var sw = Stopwatch.StartNew();
            for (long i = 0; i < n; i++)
            {
                gosched += entry(m, g);
            }

            var t = sw.Elapsed;
            Check(gosched == n * (long)McallReason.Gosched, "round trip reasons");
            return t;
        }

        public TimeSpan SwitchTo(long n)
        {
            _stubs.Prepare(_a, _code["switch_0"], 0);
            _stubs.Prepare(_b, _code["switch_1"], 0);
            _data[0] = n + 1;                  // n switches, then the (n+1)th decrement exits
            var sw = Stopwatch.StartNew();
            var reason = _stubs.Execute(_m, _a);
            var t = sw.Elapsed;
            Check(reason == McallReason.Exit && _data[0] == 0, "switch_to loop");
            return t;
        }

        public TimeSpan MinimalSwitch(long n)
        {
            _stubs.Prepare(_x, _code["min_0"], 0);
            _data[4] = _code["min_1"];         // ctx B: starts at min_1 on g2's (otherwise unused) stack
            _data[5] = (long)(_b->StackHi - 64);
            _data[0] = n + 1;
            var sw = Stopwatch.StartNew();
            var reason = _stubs.Execute(_m, _x);
            var t = sw.Elapsed;
            Check(reason == McallReason.Exit && _data[0] == 0, "minimal switch loop");
            return t;
        }

        public TimeSpan GobufSwitch(long n)
        {
            _stubs.Prepare(_x, _code["gobuf_init"], 0);
            var ctxA = (Gobuf*)(_data + CtxA);
            var ctxB = (Gobuf*)(_data + CtxB);
            *ctxA = default;
            *ctxB = default;
            ctxA->G = (nint)_a;                // any live G: the switch only touches it
            ctxB->G = (nint)_b;
            ctxB->Pc = _code["gobuf_1"];
            ctxB->Sp = _b->StackHi - 64;
            _data[CtxA + 7] = (nint)ctxB;      // "other"
            _data[CtxB + 7] = (nint)ctxA;
            _data[0] = n + 1;
            var sw = Stopwatch.StartNew();
            var reason = _stubs.Execute(_m, _x);
            var t = sw.Elapsed;
            Check(reason == McallReason.Exit && _data[0] == 0, "gobuf switch loop");
            return t;
        }

        public TimeSpan Systemstack(long n)
        {
            _stubs.Prepare(_s, _code["systemstack_loop"], 0);
            _data[0] = n + 1;
            var sw = Stopwatch.StartNew();
            var reason = _stubs.Execute(_m, _s);
            var t = sw.Elapsed;
            Check(reason == McallReason.Exit && _data[0] == 0, "systemstack loop");
            return t;
        }

        public TimeSpan CallbackOnG0(long n)
        {
            var callN = (delegate* unmanaged<long, nint, void>)_code["call_n"];
            var sw = Stopwatch.StartNew();
            callN(n, (nint)(delegate* unmanaged<G*, nint, nint, long>)&Empty);
            return sw.Elapsed;
        }

        static void Check(bool ok, string what)
        {
            if (!ok)
            {
                throw new InvalidOperationException("NativeQuick: " + what + " did not run as expected");
            }
        }

        public void Dispose()
        {
            foreach (var g in new[] { (nint)_a, (nint)_b, (nint)_r, (nint)_s, (nint)_x })
            {
                _pool.Free((G*)g);
                Records.FreeG((G*)g);
            }

            Records.FreeM(_m);
            NativeMemory.AlignedFree(_data);
            _code.Dispose();
            _pool.Dispose();
        }
    }
}
