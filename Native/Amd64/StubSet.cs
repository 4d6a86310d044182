using System.Collections.Concurrent;
using Iced.Intel;
using Native.Amd64;
using Native.Layout;

namespace Native;

/// <summary>
/// The switching stubs of asm_amd64.s, emitted with Iced into one W^X <see cref="CodeRegion"/> per set (entry, gogo,
/// entry_ret, mcall, systemstack, goexit, gosave, switch_to, morestack, badmcall; one file each under Native/Amd64, whose
/// header documents registers in/out and clobbers). C# calls only <see cref="Entry"/> (through the safe
/// <see cref="Execute"/>); the other addresses are for emitted goroutine code (Native/Compiler) to jump or call to.
/// Conventions of emitted code: R14 = current g; across any switch or systemstack call only RSP, RBP and R14 survive.
/// <para>A set is chosen per run (<see cref="Get"/>, by <see cref="StubOptions"/>): each distinct combination is
/// emitted once per process, into a region of its own (a live page never goes back to RW, rule 10), and kept for the
/// life of the process. A goroutine must only ever run on the set its code was compiled against and its frame was
/// prepared with (<see cref="Prepare"/>: its fake return address is this set's goexit+1).</para>
/// </summary>
public sealed unsafe class StubSet
{
    private static readonly ConcurrentDictionary<StubOptions, Lazy<StubSet>> s_sets = new();
    private static readonly StubSet s_shared = Get(StubOptions.None);

    /// <summary>Stub names in emission order; each stub spans from its address to the next one's.</summary>
    internal static readonly string[] Order =
        ["entry", "gogo", "entry_ret", "mcall", "systemstack", "goexit", "gosave", "switch_to", "morestack", "badmcall"];

    private readonly CodeRegion _region;

    private StubSet(StubOptions options)
    {
        Options = options;
        var a = new Assembler(64);
        var l = new StubLabels(a);
        Amd64.Entry.Emit(a, l);     // falls through into gogo
        Amd64.Gogo.Emit(a, l, options);
        Amd64.Entry.EmitRet(a, l);
        Amd64.Mcall.Emit(a, l, options);
        Amd64.Systemstack.Emit(a, l, options);
        Amd64.Goexit.Emit(a, l);
        Amd64.Gosave.Emit(a, l);
        Amd64.SwitchTo.Emit(a, l);
        Amd64.Morestack.Emit(a, l, options);
        Amd64.BadMcall.Emit(a, l);

        // Copies taken after binding (Iced's Label is a mutable struct).
        var exports = new Dictionary<string, Label>
        {
            ["entry"] = l.Entry, ["gogo"] = l.Gogo, ["entry_ret"] = l.EntryRet, ["entry_reentered"] = l.EntryReentered,
            ["mcall"] = l.Mcall,
            ["mcall_g0"] = l.McallG0, ["mcall_bad"] = l.McallBad, ["systemstack"] = l.Systemstack,
            ["systemstack_ret"] = l.SystemstackRet, ["systemstack_noswitch"] = l.SystemstackNoSwitch,
            ["goexit"] = l.Goexit, ["goexit1"] = l.Goexit1, ["gosave"] = l.Gosave, ["switch_to"] = l.SwitchTo,
            ["morestack"] = l.Morestack, ["morestack_g0"] = l.MorestackG0, ["badmcall"] = l.BadMcall,
        };
        _region = CodeRegion.Assemble(a, exports);
        CodeRegion.AnchorAt(_region.Base);         // emitted code lands near the stubs when it can: rel32 branches

        Entry = (delegate* unmanaged<M*, G*, long>)_region["entry"];
        Gogo = _region["gogo"];
        EntryRet = _region["entry_ret"];
        Mcall = _region["mcall"];
        Systemstack = _region["systemstack"];
        SystemstackRet = _region["systemstack_ret"];
        Goexit = _region["goexit"];
        GoexitPc = _region["goexit1"];
        Gosave = _region["gosave"];
        SwitchTo = _region["switch_to"];
        Morestack = _region["morestack"];
        BadMcall = _region["badmcall"];
        if (GoexitPc != Goexit + 1)
        {
            throw new InvalidOperationException("StubSet: goexit1 must be goexit+1 (the NOP is one byte)");
        }
    }

    /// <summary>The default stub set (<see cref="StubOptions.None"/>: Go's stubs and nothing more), emitted on first use.</summary>
    public static StubSet Shared => s_shared;

    /// <summary>
    /// The stub set emitted with <paramref name="options"/>: the same instance for the same options, for the life of the
    /// process (each is emitted once, on first use, into its own region). Throws ArgumentOutOfRangeException for bits
    /// that are no option, and InvalidOperationException for a seeded bug (<see cref="StubOptions.Mutants"/>) outside a
    /// diagnostic (non-Release) build, which has no code to emit one.
    /// </summary>
    internal static StubSet Get(StubOptions options)
    {
        if ((options & ~StubOptions.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options, "StubSet.Get: unknown stub options");
        }

        if ((options & StubOptions.Mutants) != 0 && !DiagnosticBuild)
        {
            throw new InvalidOperationException(
                $"StubSet.Get: stub options {options & StubOptions.Mutants} are seeded bugs, which only a diagnostic (non-Release) build can emit");
        }

        return s_sets.GetOrAdd(options, o => new Lazy<StubSet>(() => new StubSet(o), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    /// <summary>Whether this build of Native can emit the seeded bugs of <see cref="StubOptions.Mutants"/>.</summary>
    internal static bool DiagnosticBuild =>
#if CHECKER_MUTANTS
        true;
#else
        false;
#endif

    /// <summary>What this set was emitted with.</summary>
    internal StubOptions Options { get; }

    /// <summary>Whether mcall, systemstack and morestack fill m.shadowsched (<see cref="StubOptions.ShadowSched"/>).</summary>
    public bool ShadowsSched => (Options & StubOptions.ShadowSched) != 0;

    /// <summary>entry(m, g): C# on g0 → g; returns the McallReason when g mcalls back. Prefer <see cref="Execute"/>,
    /// which checks its arguments first. A plain (GC-transitioning) unmanaged call: never SuppressGCTransition (rule 2).</summary>
    /// <remarks>Safety: caller guarantees it runs on the .NET thread that owns m, not inside a systemstack callback
    /// (rule 7), and that g has a valid saved context (g.sched.sp != 0) on a live stack.</remarks>
    public delegate* unmanaged<M*, G*, long> Entry { get; }

    /// <summary>gogo: In RDI = &amp;gobuf. Native code only (it abandons the caller's frame).</summary>
    public nint Gogo { get; }

    /// <summary>entry_ret: where mcall lands on g0 (g0.sched.pc after entry).</summary>
    public nint EntryRet { get; }

    /// <summary>mcall: JMP here with RAX = resume pc, ECX = reason. Goroutine side only; never returns.</summary>
    public nint Mcall { get; }

    /// <summary>systemstack: CALL here with RAX = fn (<c>delegate* unmanaged&lt;G*, nint, nint, long&gt;</c>),
    /// RDI = a0, RSI = a1. Calls fn(g, a0, a1) on g0 and returns its RAX.</summary>
    public nint Systemstack { get; }

    /// <summary>The address systemstack records in g.sched.pc while fn runs (for tests and tracebacks).</summary>
    public nint SystemstackRet { get; }

    /// <summary>goexit (its NOP).</summary>
    public nint Goexit { get; }

    /// <summary>goexit+1: the fake return address of every new stack (mcall(Exit)).</summary>
    public nint GoexitPc { get; }

    /// <summary>gosave: CALL here with RDI = &amp;gobuf.</summary>
    public nint Gosave { get; }

    /// <summary>switch_to: JMP here with RAX = resume pc, RDI = next G*. Never returns to the caller.</summary>
    public nint SwitchTo { get; }

    /// <summary>morestack: CALLed by a prologue at a function's very start (see <see cref="StackCheck"/>).</summary>
    public nint Morestack { get; }

    /// <summary>badmcall: the target of impossible paths; it mcalls back to g0 with <see cref="McallReason.BadResume"/>.</summary>
    public nint BadMcall { get; }

    /// <summary>The region holding the stubs (for decoding in tests).</summary>
    internal CodeRegion Region => _region;

    /// <summary>(name, start, length) of each stub in emission order.</summary>
    internal IReadOnlyList<(string Name, nint Start, int Length)> Stubs
    {
        get
        {
            var list = new List<(string, nint, int)>();
            for (var i = 0; i < Order.Length; i++)
            {
                var start = _region[Order[i]];
                var end = i + 1 < Order.Length ? _region[Order[i + 1]] : _region.Base + _region.Length;
                list.Add((Order[i], start, (int)(end - start)));
            }

            return list;
        }
    }

    /// <summary>
    /// Lays out a new goroutine's first frame exactly as newproc1 + gostartcallfn (proc.go, sys_x86.go) do: zero
    /// g.sched; sp = stack.hi - 32 (totalSize = 4*PtrSize + MinFrameSize); push goexit+1 as the fake return address
    /// ([hi-40]); sched.sp = hi-40 (≡ 8 mod 16, as after a CALL); sched.pc = fn; sched.ctxt = ctxt; sched.g = g;
    /// sched.bp = 0 (the bottom of the frame-pointer chain); g.startpc = fn; g.stktopsp = sched.sp.
    /// </summary>
    /// <remarks>Safety: caller guarantees g has a stack from <see cref="StackPool.Allocate"/> and is not running.</remarks>
    public static void PrepareGoroutine(G* g, nint fn, nint ctxt) => Shared.Prepare(g, fn, ctxt);

    /// <summary><see cref="PrepareGoroutine"/> for this set: the fake return address is this set's goexit+1, so the g
    /// must then run on this set (its code compiled against it).</summary>
    /// <remarks>Safety: caller guarantees g has a stack from <see cref="StackPool.Allocate"/> and is not running.</remarks>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void Prepare(G* g, nint fn, nint ctxt)
    {
        if (g == null)
        {
            throw new ArgumentNullException(nameof(g), "newproc1: nil g");
        }

        if (g->StackHi == 0 || (g->StackHi & 15) != 0)
        {
            throw new InvalidOperationException("newproc1: g has no 16-aligned stack; call StackPool.Allocate first");
        }

        const int totalSize = 4 * 8;                       // 4*goarch.PtrSize + sys.MinFrameSize (0 on amd64)
        var sp = g->StackHi - totalSize;
        g->Sched = default;
        g->Sched.Sp = sp;
        g->Sched.Pc = GoexitPc;
        g->Sched.G = (nint)g;
        // gostartcall: push the "return address" and pretend buf.pc called fn.
        sp -= 8;
        *(nint*)sp = g->Sched.Pc;
        g->Sched.Sp = sp;
        g->Sched.Pc = fn;
        g->Sched.Ctxt = ctxt;
        g->StartPc = fn;
        g->StkTopSp = sp;
    }

    /// <summary>
    /// Mirrors runtime.execute's final gogo (proc.go), safely: checks the arguments, runs g on m through
    /// <see cref="Entry"/> until it mcalls back, verifies g's stack canary if it has one, and returns the reason.
    /// Throws InvalidOperationException with Go's message for the impossible paths: "runtime: mcall called on m->g0
    /// stack" (McallReason.Bad), "fatal: morestack on g0" (BadMorestackG0), for re-entry on the same M (Reentered),
    /// and for misuse caught before switching
    /// (nil g, g0, a g with no saved context, an exited g). Morestack is returned, not thrown: the caller decides (see
    /// <see cref="StackPool.OverflowMessage"/>).
    /// </summary>
    /// <remarks>Safety: caller guarantees m belongs to the calling thread and g is a live G whose stack is intact.</remarks>
    public McallReason Execute(M* m, G* g)
    {
        if (m == null || m->G0 == null)
        {
            throw new InvalidOperationException("runtime: execute on a nil m or an m without g0");
        }

        if (g == null)
        {
            throw new InvalidOperationException("runtime: gogo of a nil g (gogo loads buf.g before switching)");
        }

        if (g == m->G0)
        {
            throw new InvalidOperationException("runtime: gogo of m->g0: g0 runs C#, not goroutine code");
        }

        if (g->Sched.G != (nint)g)
        {
            throw new InvalidOperationException($"runtime: gogo: g.sched.g = {g->Sched.G:x} is not g = {(nint)g:x}");
        }

        if (g->Sched.Sp == 0 || g->Sched.Pc == 0)
        {
            throw new InvalidOperationException(
                $"runtime: gogo of goroutine {g->Goid} with no saved context (sched.sp = {g->Sched.Sp:x}, pc = {g->Sched.Pc:x}): it is running or was never prepared");
        }

        if (g->Sched.Pc == BadMcall)
        {
            throw new InvalidOperationException($"runtime: gogo of goroutine {g->Goid}, which has exited (sched.pc = badmcall)");
        }

        if (g->StackHi != 0 && (g->Sched.Sp <= g->StackLo || g->Sched.Sp > g->StackHi))
        {
            throw new InvalidOperationException(
                $"runtime: gogo of goroutine {g->Goid}: sched.sp = {g->Sched.Sp:x} outside its stack [{g->StackLo:x}, {g->StackHi:x}]");
        }

        var reason = (McallReason)Entry(m, g);
        switch (reason)
        {
            case McallReason.Bad:
                throw new InvalidOperationException("runtime: mcall called on m->g0 stack");
            case McallReason.BadMorestackG0:
                throw new InvalidOperationException("fatal: morestack on g0");
            case McallReason.BadResume:
                throw new InvalidOperationException(
                    $"runtime: goroutine {g->Goid} reached badmcall: it was resumed after it exited, or took another impossible path");
            case McallReason.Reentered:
                throw new InvalidOperationException(
                    "runtime: entry on an m that is already running a goroutine (a systemstack callback must not run the scheduler)");
        }

        if (g->StackCanary != 0 && StackPool.CheckCanary(g) is { } broken)
        {
            throw new InvalidOperationException(broken);
        }

        return reason;
    }
}
