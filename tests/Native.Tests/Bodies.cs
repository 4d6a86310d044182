using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Tests;

/// <summary>
/// Small goroutine bodies emitted with Iced for the tests (the real workload compiler lives in Native/Compiler).
/// They follow the goroutine ABI: R14 = g, RDX = ctxt (&amp;Rec) at start, nothing but RSP/RBP/R14 survives a switch,
/// so everything a body needs after a yield lives in its frame.
/// </summary>
public static unsafe class Bodies
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<StubSet, Lazy<CodeRegion>> s_regions = new();

    /// <summary>The bodies compiled against <see cref="StubSet.Shared"/> (what the named properties below are in).</summary>
    public static CodeRegion Region => RegionFor(StubSet.Shared);

    /// <summary>The same bodies compiled against <paramref name="stubs"/> (labels as the properties below name them:
    /// "yield", "yield_resume", "callsystem", ...), emitted once per stub set.</summary>
    public static CodeRegion RegionFor(StubSet stubs)
        => s_regions.GetOrAdd(stubs, s => new Lazy<CodeRegion>(() => Build(s))).Value;

    /// <summary>Yields Rec.Yields times (mcall Gosched), checking its frame values, R14 and sched.sp after each resume.</summary>
    public static nint Yield => Region["yield"];

    /// <summary>The resume PC of Yield's mcall (what g.sched.pc must hold while it is parked).</summary>
    public static nint YieldResume => Region["yield_resume"];

    /// <summary>Ping-pong through switch_to with Rec.Other, Rec.Count times, then returns.</summary>
    public static nint PingPong => Region["pingpong"];

    /// <summary>Calls systemstack(Rec.Fn, Rec.A0, &amp;Rec) Rec.Count times, summing results into Rec.Result.</summary>
    public static nint CallSystem => Region["callsystem"];

    /// <summary>Sets R14 = m.g0 and mcalls: mcall on g0.</summary>
    public static nint McallOnG0 => Region["mcall_on_g0"];

    /// <summary>Sets R14 = m.g0 and calls a function with a stack check: morestack on g0.</summary>
    public static nint MorestackOnG0 => Region["morestack_on_g0"];

    /// <summary>Unbounded recursion of a 264-byte-frame function with a stack check.</summary>
    public static nint Recurse => Region["recurse_body"];

    /// <summary>Unbounded recursion of a 20,000-byte-frame function (check + page probes).</summary>
    public static nint RecurseBig => Region["recurse_big_body"];

    /// <summary>Overwrites the word at stack.lo (the canary, when the pool has them) and returns.</summary>
    public static nint SmashCanary => Region["smash_canary"];

    /// <summary>Native harness: <c>long systemstack_on_g0(G* g0, fn, a0, a1)</c>: R14 = g0, then systemstack(fn, a0, a1).</summary>
    public static nint SystemstackOnG0 => Region["systemstack_on_g0"];

    /// <summary>Pushes a small frame and parks (mcall Park) forever, resuming into the same park.</summary>
    public static nint ParkForever => Region["park_forever"];

    /// <summary>Spins (pause) without touching its stack until Rec.Count becomes non-zero, then returns.</summary>
    public static nint SpinUntilCount => Region["spin_until_count"];

    /// <summary>gosave(&amp;Rec.Buf); the first time, yields (Gosched) for good; when gogo'd through the buffer, stores
    /// RAX in Rec.ObsRax and returns.</summary>
    public static nint GosaveTwice => Region["gosave_twice"];

    /// <summary>The return address of GosaveTwice's call to gosave.</summary>
    public static nint GosaveRet => Region["gosave_ret"];

    /// <summary>Returns at once (into goexit).</summary>
    public static nint Return => Region["return"];

    /// <summary>Native harness: <c>long entry_checked(M* m, G* g, void* entry)</c> loads sentinels into RBX, RBP,
    /// R12-R15, calls entry(m, g), and returns the reason, or -1000 - (bitmask of registers that changed:
    /// 1 rsp, 2 rbx, 4 rbp, 8 r12, 16 r13, 32 r14, 64 r15).</summary>
    public static nint EntryChecked => Region["entry_checked"];

    public static readonly ulong[] Sentinels =
    [
        0x1111_2222_3333_4444, 0x5555_6666_7777_8888, 0x9999_AAAA_BBBB_CCCC,
        0xDDDD_EEEE_FFFF_0001, 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210,
    ];

    private static CodeRegion Build(StubSet stubs)
    {
        var a = new Assembler(64);
        var labels = new Dictionary<string, Label>();

        EmitYield(a, stubs, labels);
        EmitPingPong(a, stubs, labels);
        EmitCallSystem(a, stubs, labels);
        EmitMisuse(a, stubs, labels);
        EmitRecurse(a, stubs, labels, "recurse", 264, 256);
        EmitRecurse(a, stubs, labels, "recurse_big", 20_016, 20_000);
        EmitEntryChecked(a, labels);

        var smash = a.CreateLabel("smash_canary");
        a.Label(ref smash);
        a.mov(rax, __qword_ptr[r14 + GLayout.StackLo]);
        a.mov(__qword_ptr[rax], 0);
        a.ret();
        labels["smash_canary"] = smash;

        var ssg0 = a.CreateLabel("systemstack_on_g0");
        a.Label(ref ssg0);
        a.push(r14);
        a.mov(r14, rdi);
        a.mov(rax, rsi);
        a.mov(rdi, rdx);
        a.mov(rsi, rcx);
        a.call((ulong)stubs.Systemstack);
        a.pop(r14);
        a.ret();
        labels["systemstack_on_g0"] = ssg0;

        var park = a.CreateLabel("park_forever");
        var parkAgain = a.CreateLabel();
        a.Label(ref park);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.sub(rsp, 64);
        a.mov(__qword_ptr[rsp], rbp);
        a.Label(ref parkAgain);
        a.lea(rax, __[parkAgain]);
        a.mov(ecx, (int)McallReason.Park);
        a.jmp((ulong)stubs.Mcall);
        labels["park_forever"] = park;

        var spin = a.CreateLabel("spin_until_count");
        a.Label(ref spin);
        a.pause();
        a.cmp(__qword_ptr[rdx + Rec.Off.Count], 0);
        a.je(spin);
        a.ret();
        labels["spin_until_count"] = spin;

        var gsv = a.CreateLabel("gosave_twice");
        var gsvRet = a.CreateLabel("gosave_ret");
        var second = a.CreateLabel();
        var never = a.CreateLabel();
        a.Label(ref gsv);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.sub(rsp, 16);
        a.mov(__qword_ptr[rbp - 8], rdx);
        a.lea(rdi, __[rdx + Rec.Off.Buf]);
        a.call((ulong)stubs.Gosave);
        a.Label(ref gsvRet);
        a.mov(rcx, __qword_ptr[rbp - 8]);
        a.cmp(__qword_ptr[rcx + Rec.Off.Resumes], 0);
        a.jne(second);
        a.inc(__qword_ptr[rcx + Rec.Off.Resumes]);
        a.lea(rax, __[never]);
        a.mov(ecx, (int)McallReason.Gosched);
        a.jmp((ulong)stubs.Mcall);
        a.Label(ref never);
        a.ud2();
        a.Label(ref second);
        a.mov(__qword_ptr[rcx + Rec.Off.ObsRax], rax);
        a.leave();
        a.ret();
        labels["gosave_twice"] = gsv;
        labels["gosave_ret"] = gsvRet;

        var ret = a.CreateLabel("return");
        a.Label(ref ret);
        a.ret();
        labels["return"] = ret;
        a.int3();
        return CodeRegion.Assemble(a, labels);
    }

    private static void IncErrors(Assembler a, AssemblerRegister64 rec) => a.inc(__qword_ptr[rec + Rec.Off.Errors]);

    private static void EmitYield(Assembler a, StubSet s, Dictionary<string, Label> labels)
    {
        var start = a.CreateLabel("yield");
        var loop = a.CreateLabel();
        var resume = a.CreateLabel("yield_resume");
        var done = a.CreateLabel();
        var ok1 = a.CreateLabel();
        var ok2 = a.CreateLabel();
        var ok3 = a.CreateLabel();
        var ok4 = a.CreateLabel();
        var ok5 = a.CreateLabel();

        a.Label(ref start);
        // Observe what gogo left: these run before anything else touches g.sched or RAX/RDX.
        a.mov(__qword_ptr[rdx + Rec.Off.ObsRax], rax);
        a.mov(__qword_ptr[rdx + Rec.Off.ObsRdx], rdx);
        a.mov(rcx, __qword_ptr[r14 + GLayout.SchedSp]);
        a.mov(__qword_ptr[rdx + Rec.Off.ObsSp], rcx);
        a.mov(rcx, __qword_ptr[r14 + GLayout.SchedBp]);
        a.mov(__qword_ptr[rdx + Rec.Off.ObsBp], rcx);
        a.mov(rcx, __qword_ptr[r14 + GLayout.SchedCtxt]);
        a.mov(__qword_ptr[rdx + Rec.Off.ObsCtxt], rcx);
        a.mov(rcx, __qword_ptr[r14 + GLayout.SchedRet]);
        a.mov(__qword_ptr[rdx + Rec.Off.ObsRet], rcx);
        a.mov(rcx, __qword_ptr[r14 + GLayout.SchedPc]);
        a.mov(__qword_ptr[rdx + Rec.Off.ObsPc], rcx);
        a.mov(rcx, rsp);
        a.and(rcx, 15);
        a.mov(__qword_ptr[rdx + Rec.Off.ObsRspMod16], rcx);

        a.push(rbp);
        a.mov(rbp, rsp);
        a.sub(rsp, 32);
        a.mov(__qword_ptr[rbp - 8], rdx);                    // rec
        a.mov(rax, __qword_ptr[rdx + Rec.Off.Yields]);
        a.mov(__qword_ptr[rbp - 16], rax);                   // remaining
        a.mov(rax, __qword_ptr[rdx + Rec.Off.Seed]);
        a.mov(__qword_ptr[rbp - 24], rax);                   // seed
        a.not(rax);
        a.mov(__qword_ptr[rbp - 32], rax);                   // ~seed

        a.Label(ref loop);
        a.cmp(__qword_ptr[rbp - 16], 0);
        a.je(done);
        a.mov(rbx, -1);                                      // clobber what a switch may clobber
        a.mov(r12, -1);
        a.mov(r13, -1);
        a.mov(r15, -1);
        a.mov(rcx, __qword_ptr[rbp - 8]);
        a.mov(ecx, __dword_ptr[rcx + Rec.Off.Reason]);
        a.lea(rax, __[resume]);
        a.jmp((ulong)s.Mcall);

        a.Label(ref resume);
        a.mov(rcx, __qword_ptr[rbp - 8]);
        a.cmp(r14, __qword_ptr[rcx + Rec.Off.ExpectG]);
        a.je(ok1);
        IncErrors(a, rcx);
        a.Label(ref ok1);
        a.mov(rax, __qword_ptr[r14 + GLayout.M]);
        a.mov(__qword_ptr[rcx + Rec.Off.LastM], rax);
        a.mov(rax, __qword_ptr[rbp - 24]);
        a.cmp(rax, __qword_ptr[rcx + Rec.Off.Seed]);
        a.je(ok2);
        IncErrors(a, rcx);
        a.Label(ref ok2);
        a.not(rax);
        a.cmp(rax, __qword_ptr[rbp - 32]);
        a.je(ok3);
        IncErrors(a, rcx);
        a.Label(ref ok3);
        a.cmp(__qword_ptr[r14 + GLayout.SchedSp], 0);       // gogo cleared sched.sp
        a.je(ok4);
        IncErrors(a, rcx);
        a.Label(ref ok4);
        a.test(spl, 15);                                     // frame still 16-aligned
        a.je(ok5);
        a.inc(__qword_ptr[rcx + Rec.Off.MisalignedResumes]);
        a.Label(ref ok5);
        a.inc(__qword_ptr[rcx + Rec.Off.Resumes]);
        a.dec(__qword_ptr[rbp - 16]);
        a.jmp(loop);

        a.Label(ref done);
        a.leave();
        a.ret();                                             // into goexit+1
        labels["yield"] = start;
        labels["yield_resume"] = resume;
    }

    private static void EmitPingPong(Assembler a, StubSet s, Dictionary<string, Label> labels)
    {
        var start = a.CreateLabel("pingpong");
        var loop = a.CreateLabel();
        var resume = a.CreateLabel();
        var done = a.CreateLabel();
        a.Label(ref start);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.sub(rsp, 16);
        a.mov(__qword_ptr[rbp - 8], rdx);
        a.Label(ref loop);
        a.mov(rcx, __qword_ptr[rbp - 8]);
        a.sub(__qword_ptr[rcx + Rec.Off.Count], 1);
        a.jb(done);                                          // borrow: count was 0
        a.inc(__qword_ptr[rcx + Rec.Off.Resumes]);
        a.mov(rdi, __qword_ptr[rcx + Rec.Off.Other]);
        a.lea(rax, __[resume]);
        a.jmp((ulong)s.SwitchTo);
        a.Label(ref resume);
        a.jmp(loop);
        a.Label(ref done);
        a.leave();
        a.ret();
        labels["pingpong"] = start;
    }

    private static void EmitCallSystem(Assembler a, StubSet s, Dictionary<string, Label> labels)
    {
        var start = a.CreateLabel("callsystem");
        var loop = a.CreateLabel();
        var done = a.CreateLabel();
        a.Label(ref start);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.sub(rsp, 16);
        a.mov(__qword_ptr[rbp - 8], rdx);
        a.mov(rax, __qword_ptr[rdx + Rec.Off.Count]);
        a.mov(__qword_ptr[rbp - 16], rax);
        a.Label(ref loop);
        a.cmp(__qword_ptr[rbp - 16], 0);
        a.je(done);
        a.mov(rcx, __qword_ptr[rbp - 8]);
        a.mov(rax, __qword_ptr[rcx + Rec.Off.Fn]);
        a.mov(rdi, __qword_ptr[rcx + Rec.Off.A0]);
        a.mov(rsi, rcx);
        a.call((ulong)s.Systemstack);
        a.mov(rcx, __qword_ptr[rbp - 8]);
        a.add(__qword_ptr[rcx + Rec.Off.Result], rax);
        a.dec(__qword_ptr[rbp - 16]);
        a.jmp(loop);
        a.Label(ref done);
        a.leave();
        a.ret();
        labels["callsystem"] = start;
    }

    private static void EmitMisuse(Assembler a, StubSet s, Dictionary<string, Label> labels)
    {
        var onG0 = a.CreateLabel("mcall_on_g0");
        var after = a.CreateLabel();
        a.Label(ref onG0);
        a.mov(rbx, __qword_ptr[r14 + GLayout.M]);
        a.mov(r14, __qword_ptr[rbx + MLayout.G0]);           // pretend to be on g0
        a.lea(rax, __[after]);
        a.mov(ecx, (int)McallReason.Gosched);
        a.jmp((ulong)s.Mcall);
        a.Label(ref after);
        a.ud2();
        labels["mcall_on_g0"] = onG0;

        var msG0 = a.CreateLabel("morestack_on_g0");
        var fn = a.CreateLabel();
        var msc = a.CreateLabel();
        a.Label(ref msG0);
        a.mov(rbx, __qword_ptr[r14 + GLayout.M]);
        a.mov(r14, __qword_ptr[rbx + MLayout.G0]);
        a.mov(__qword_ptr[r14 + GLayout.StackGuard0], -1);  // g0 has no stack bounds: any SP fails the check
        a.call(fn);
        a.ud2();
        a.Label(ref fn);
        StackCheck.EmitPrologue(a, 16, msc);
        a.ret();
        StackCheck.EmitMorestackCall(a, ref msc, fn, s);
        labels["morestack_on_g0"] = msG0;
    }

    private static void EmitRecurse(Assembler a, StubSet s, Dictionary<string, Label> labels, string name, int frameBytes, int locals)
    {
        var body = a.CreateLabel(name + "_body");
        var fn = a.CreateLabel(name);
        var msc = a.CreateLabel();
        a.Label(ref body);
        a.call(fn);
        a.ret();
        a.Label(ref fn);
        StackCheck.EmitPrologue(a, frameBytes, msc);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.sub(rsp, locals);
        a.mov(__qword_ptr[rsp], 1);                          // touch the frame's lowest word
        a.call(fn);
        a.leave();
        a.ret();
        StackCheck.EmitMorestackCall(a, ref msc, fn, s);
        labels[name + "_body"] = body;
    }

    private static void EmitEntryChecked(Assembler a, Dictionary<string, Label> labels)
    {
        var start = a.CreateLabel("entry_checked");
        var fail = a.CreateLabel();
        var done = a.CreateLabel();
        a.Label(ref start);
        a.push(rbp);
        a.push(rbx);
        a.push(r12);
        a.push(r13);
        a.push(r14);
        a.push(r15);
        a.sub(rsp, 24);                                      // 8 + 6*8 + 24 = 80: RSP ≡ 0 (mod 16) at the call
        a.mov(__qword_ptr[rsp], rsp);                        // the SP entry must give back
        a.mov(rax, rdx);
        AssemblerRegister64[] regs = [rbx, rbp, r12, r13, r14, r15];
        for (var i = 0; i < regs.Length; i++)
        {
            a.mov(regs[i], Sentinels[i]);
        }

        a.call(rax);
        a.xor(ecx, ecx);
        var okSp = a.CreateLabel();
        a.cmp(__qword_ptr[rsp], rsp);
        a.je(okSp);
        a.or(ecx, 1);
        a.Label(ref okSp);
        for (var i = 0; i < regs.Length; i++)
        {
            var ok = a.CreateLabel();
            a.mov(r8, Sentinels[i]);
            a.cmp(regs[i], r8);
            a.je(ok);
            a.or(ecx, 2 << i);
            a.Label(ref ok);
        }

        a.add(rsp, 24);
        a.pop(r15);
        a.pop(r14);
        a.pop(r13);
        a.pop(r12);
        a.pop(rbx);
        a.pop(rbp);
        a.test(ecx, ecx);
        a.jne(fail);
        a.Label(ref done);
        a.ret();
        a.Label(ref fail);
        a.mov(rax, -1000);
        a.sub(rax, rcx);
        a.jmp(done);
        labels["entry_checked"] = start;
    }
}
