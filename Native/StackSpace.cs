using Native.Posix;

namespace Native;

/// <summary>
/// The address range every goroutine stack of the process lives in (Go's heap arenas, as far as stacks are concerned):
/// one mmap(MAP_NORESERVE) of <see cref="ReserveBytes"/>, read-write, made on first use and never unmapped. The kernel
/// commits its pages when they are first touched; nothing is charged up front. Pools (<see cref="StackPool"/>) take
/// spans of it and give them back; a freed span's pages are returned to the kernel (MADV_DONTNEED) and the span is
/// reused for the next request of the same size.
/// <para>One mapping for all stacks keeps the process far below vm.max_map_count (65,530 here), and it makes "is this
/// sp on a goroutine stack?" two comparisons, which the SIGRTMIN trampoline (<see cref="SignalStack"/>) relies on.</para>
/// </summary>
public static unsafe class StackSpace
{
    /// <summary>Bytes of address space reserved: 256 GiB (room for a 1 GB stack and its copy many times over).</summary>
    public const long ReserveBytes = 1L << 38;

    private static readonly nint s_reserve = unchecked((nint)ReserveBytes);

    /// <summary>Alignment and granule of spans: 64 KiB.</summary>
    public const int SpanAlign = 64 * 1024;

    private static readonly object s_lock = new();
    private static readonly Dictionary<long, Stack<nint>> s_free = new();
    private static nint s_base;
    private static long s_next;
    private static long s_inUse;

    /// <summary>Lowest address of the reservation (reserves it on first use).</summary>
    public static nint Lo
    {
        get
        {
            Reserve();
            return s_base;
        }
    }

    /// <summary>One past the reservation's highest address.</summary>
    public static nint Hi => Lo + s_reserve;

    /// <summary>Bytes currently handed out as spans.</summary>
    public static long InUse => Interlocked.Read(ref s_inUse);

    /// <summary>Whether <paramref name="p"/> lies in the reservation.</summary>
    public static bool Contains(nint p) => s_base != 0 && p >= s_base && p < s_base + s_reserve;

    private static void Reserve()
    {
        if (Volatile.Read(ref s_base) != 0)
        {
            return;
        }

        lock (s_lock)
        {
            if (s_base != 0)
            {
                return;
            }

            // Over-map by one span to align the base.
            var raw = Libc.MapOrThrow((nuint)(s_reserve + SpanAlign), Libc.MapNoReserve, "stack space");
            var aligned = (raw + SpanAlign - 1) & ~(nint)(SpanAlign - 1);
            Volatile.Write(ref s_base, aligned);
        }
    }

    /// <summary>A span of <paramref name="bytes"/> (rounded up to <see cref="SpanAlign"/>), read-write, its pages not
    /// yet committed (or given back), aligned to <see cref="SpanAlign"/>. Throws OutOfMemoryException when the
    /// reservation is exhausted.</summary>
    public static nint Alloc(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        Reserve();
        var size = (bytes + SpanAlign - 1) & ~(long)(SpanAlign - 1);
        lock (s_lock)
        {
            s_inUse += size;
            if (s_free.TryGetValue(size, out var list) && list.TryPop(out var p))
            {
                return p;
            }

            if (s_next + size > ReserveBytes)
            {
                s_inUse -= size;
                throw new OutOfMemoryException($"stack space: the {ReserveBytes}-byte reservation cannot hold another {size}-byte span");
            }

            var at = s_base + (nint)s_next;
            s_next += size;
            return at;
        }
    }

    /// <summary>Returns a span from <see cref="Alloc"/> (same <paramref name="bytes"/>): its pages go back to the kernel.</summary>
    public static void Free(nint p, long bytes)
    {
        var size = (bytes + SpanAlign - 1) & ~(long)(SpanAlign - 1);
        if (!Contains(p) || (p & (SpanAlign - 1)) != 0)
        {
            throw new InvalidOperationException($"stack space: {p:x} is not a span");
        }

        Libc.Madvise(p, (nuint)size, Libc.MadvDontNeed);
        lock (s_lock)
        {
            s_inUse -= size;
            if (!s_free.TryGetValue(size, out var list))
            {
                s_free[size] = list = new Stack<nint>();
            }

            list.Push(p);
        }
    }
}
