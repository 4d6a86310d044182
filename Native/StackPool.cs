using Native.Layout;
using Native.Posix;

namespace Native;

/// <summary>
/// Goroutine stacks (Go's stackalloc/stackfree, stack.go, without growth). Stacks are carved out of large arenas, one
/// mmap(MAP_NORESERVE) per arena rather than per stack, because vm.max_map_count (65,530 here) caps per-stack mappings at
/// about 32,000 and the runtime must hold 100,000 goroutines. Freed stacks go to a free list and are reused.
/// <para>
/// Layout of one slot (guard-page mode adds the PROT_NONE page; it costs two kernel mappings per stack, so it is for
/// small runs and tests):
/// <code>
///   slot+0           [guard page, PROT_NONE]          (GuardPages only)
///   lo               canary word (optional)           stack.lo
///   lo+StackGuard    ← stackguard0: prologues call morestack at or below this SP
///    ...              frames grow down
///   hi-40            goexit+1 (PrepareGoroutine)       ← sched.sp of a new g
///   hi               16-aligned                        stack.hi
/// </code>
/// The StackGuard bytes below stackguard0 are for code without a check: signal handlers that land on the goroutine
/// stack (6.5 KiB measured for the CLR's activation signal, native-notes), the stubs, and a frame's own probes.
/// Pages are touched only when used, so a parked goroutine costs one resident page plus its G record.
/// </para>
/// </summary>
public sealed unsafe class StackPool : IDisposable
{
    /// <summary>Default usable size of a stack: 64 KiB.</summary>
    public const int DefaultStackSize = 64 * 1024;

    /// <summary>
    /// Bytes between stack.lo and stackguard0 (Go's _StackGuard, scaled for us): 16 KiB. At least 8 KiB must stay free
    /// at all times for signal frames (native-notes rule 8); the rest covers the stubs and libc-free leaf code.
    /// </summary>
    public const int StackGuard = 16 * 1024;

    /// <summary>Value of the canary word when <see cref="Canary"/> is on.</summary>
    public const ulong CanaryValue = 0xC0FF_EE00_DEAD_BEEF;

    private readonly object _lock = new();
    private readonly List<(nint Base, nuint Size)> _arenas = new();
    private readonly Stack<nint> _free = new();
    private readonly int _slot;
    private nint _next;
    private nint _arenaEnd;
    private long _live;

    /// <summary>Creates a pool. <paramref name="stackSize"/> is the usable size (a multiple of the page size, more than
    /// StackGuard + 4 KiB); <paramref name="guardPages"/> adds a PROT_NONE page below each stack; <paramref name="canary"/>
    /// writes <see cref="CanaryValue"/> at each stack's low end (this touches a second page per goroutine).</summary>
    public StackPool(int stackSize = DefaultStackSize, bool guardPages = false, bool canary = false, int stacksPerArena = 1024)
    {
        var page = Libc.PageSize;
        if (stackSize % page != 0 || stackSize < StackGuard + page)
        {
            throw new ArgumentOutOfRangeException(nameof(stackSize), stackSize,
                $"stack size must be a multiple of {page} and at least StackGuard ({StackGuard}) + one page");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(stacksPerArena, 1);
        StackSize = stackSize;
        GuardPages = guardPages;
        Canary = canary;
        StacksPerArena = stacksPerArena;
        _slot = stackSize + (guardPages ? page : 0);
    }

    /// <summary>Usable bytes per stack (hi - lo).</summary>
    public int StackSize { get; }

    /// <summary>Whether each stack has a PROT_NONE page below lo.</summary>
    public bool GuardPages { get; }

    /// <summary>Whether each stack has a canary word at lo.</summary>
    public bool Canary { get; }

    /// <summary>Stacks per arena mapping.</summary>
    public int StacksPerArena { get; }

    /// <summary>Stacks currently handed out.</summary>
    public long Live => Interlocked.Read(ref _live);

    /// <summary>Mirrors runtime.stackalloc (stack.go): gives <paramref name="g"/> a stack and sets stack.lo/hi,
    /// stackguard0/1 (lo + StackGuard) and the canary. Thread-safe.</summary>
    /// <remarks>Safety: caller guarantees g is a valid G with no stack.</remarks>
    public void Allocate(G* g)
    {
        if (g->StackLo != 0)
        {
            throw new InvalidOperationException("stackalloc: g already has a stack");
        }

        nint slot;
        lock (_lock)
        {
            if (!_free.TryPop(out slot))
            {
                if (_next == _arenaEnd)
                {
                    NewArena();
                }

                slot = _next;
                _next += _slot;
                if (GuardPages)
                {
                    Libc.ProtectOrThrow(slot, (nuint)Libc.PageSize, Libc.ProtNone, "stackalloc guard page");
                }
            }
        }

        Interlocked.Increment(ref _live);
        var lo = slot + (GuardPages ? Libc.PageSize : 0);
        g->StackLo = lo;
        g->StackHi = lo + StackSize;
        g->StackGuard0 = lo + StackGuard;
        g->StackGuard1 = g->StackGuard0;
        if (Canary)
        {
            *(ulong*)lo = CanaryValue;
            g->StackCanary = lo;
        }
        else
        {
            g->StackCanary = 0;
        }
    }

    /// <summary>Mirrors runtime.stackfree (stack.go): returns g's stack to the free list and clears g's stack fields.</summary>
    /// <remarks>Safety: caller guarantees g does not run and nothing will switch to its stack again.</remarks>
    public void Free(G* g)
    {
        var lo = g->StackLo;
        if (lo == 0)
        {
            throw new InvalidOperationException("stackfree: g has no stack");
        }

        var slot = lo - (GuardPages ? Libc.PageSize : 0);
        g->StackLo = g->StackHi = g->StackGuard0 = g->StackGuard1 = g->StackCanary = 0;
        lock (_lock)
        {
            _free.Push(slot);
        }

        Interlocked.Decrement(ref _live);
    }

    /// <summary>Checks g's canary word (if it has one). Returns null when intact or absent, otherwise Go-style text
    /// naming the g and the overwritten value. Call it on g0 after the g switched back.</summary>
    /// <remarks>Safety: caller guarantees g is a live G whose stack (if any) is still mapped.</remarks>
    public static string? CheckCanary(G* g)
    {
        if (g->StackCanary == 0)
        {
            return null;
        }

        var v = *(ulong*)g->StackCanary;
        return v == CanaryValue
            ? null
            : $"runtime: goroutine {g->Goid} overwrote the canary at stack.lo={g->StackLo:x} (found {v:x16}): stack overflow past stackguard0\nfatal error: stack overflow";
    }

    /// <summary>The report for a g whose prologue called morestack (McallReason.Morestack): Go's newstack text,
    /// "runtime: goroutine stack exceeds N-byte limit" with N = hi - lo, then the sp and bounds.</summary>
    /// <remarks>Safety: caller guarantees g is a live G.</remarks>
    public static string OverflowMessage(G* g)
    {
        var size = (long)(g->StackHi - g->StackLo);
        var sp = g->Sched.Sp;
        return $"runtime: goroutine stack exceeds {size}-byte limit\n" +
               $"runtime: sp={sp:x} stack=[{g->StackLo:x}, {g->StackHi:x}]\n" +
               "fatal error: stack overflow";
    }

    private void NewArena()
    {
        var size = (nuint)((long)_slot * StacksPerArena);
        var mem = StackSpace.Alloc((long)size);
        _arenas.Add((mem, size));
        _next = mem;
        _arenaEnd = mem + (nint)size;
    }

    /// <summary>Unmaps every arena.</summary>
    /// <remarks>Safety: caller guarantees no goroutine of this pool runs or will run again.</remarks>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (b, s) in _arenas)
            {
                if (GuardPages)
                {
                    Libc.ProtectOrThrow(b, s, Libc.ProtRead | Libc.ProtWrite, "stack arena release");
                }

                StackSpace.Free(b, (long)s);
            }

            _arenas.Clear();
            _free.Clear();
            _next = _arenaEnd = 0;
        }
    }
}
