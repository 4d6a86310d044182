using Native.Layout;

namespace Native;

/// <summary>
/// Growable goroutine stacks as Go 1.19 allocates them (stack.go): power-of-two sizes from <see cref="StackMin"/>
/// (2 KiB) up; the four smallest orders (2, 4, 8, 16 KiB) come from a global pool per order (<c>stackpool</c>) through
/// per-P caches (<c>stackcache</c>, see <see cref="Cache"/>) that are refilled and drained half a cache
/// (<see cref="CacheSize"/>/2 bytes) at a time; larger stacks get a span of their own (<c>stackLarge</c> / a direct
/// allocation). All memory comes from <see cref="StackSpace"/> (one reservation, committed lazily by the kernel).
/// <para>Differences from Go: small-stack spans never go back to the kernel (Go frees a stackpool span once all its
/// stacks are free, at GC, which we do not have); freed large stacks stay resident on a free list per size (Go's
/// stackLarge) up to <see cref="LargeFreeLimit"/> bytes, beyond which their pages go back at once (MADV_DONTNEED),
/// where Go keeps them until the GC.
/// The pool lock is a .NET lock (C# runs only on g0).</para>
/// </summary>
public sealed unsafe class GoStacks : IDisposable
{
    /// <summary>_StackMin / startingStackSize: 2048.</summary>
    public const int StackMin = 2048;

    /// <summary>_StackGuard on linux/amd64 (928): stackguard0 = stack.lo + this. Enough because no signal frame lands
    /// on a goroutine stack (<see cref="SignalStack"/>) and the stubs push at most 16 bytes below a frame.</summary>
    public const int StackGuard = 928;

    /// <summary>_NumStackOrders: the orders served from the pool (2, 4, 8, 16 KiB).</summary>
    public const int NumStackOrders = 4;

    /// <summary>_StackCacheSize: 32 KiB per order per P.</summary>
    public const int CacheSize = 32 * 1024;

    /// <summary>maxstacksize on 64-bit (proc.go main): 1,000,000,000 bytes. newstack refuses to grow beyond it.</summary>
    public const long MaxStackSize = 1_000_000_000;

    private readonly object _lock = new();
    private readonly Stack<nint>[] _pool = new Stack<nint>[NumStackOrders];
    private readonly List<nint> _spans = new();
    private readonly HashSet<(nint, long)> _large = new();
    private readonly Dictionary<long, Stack<nint>> _largeFree = new();
    private long _largeFreeBytes;

    /// <summary>Bytes of freed large stacks kept resident for reuse (Go's stackLarge, which only the GC empties): 16 MiB.
    /// Beyond it a freed large stack's pages go back to the kernel.</summary>
    public const long LargeFreeLimit = 16L << 20;
    private long _live;
    private long _liveBytes;

    public GoStacks()
    {
        for (var i = 0; i < NumStackOrders; i++)
        {
            _pool[i] = new Stack<nint>();
        }
    }

    /// <summary>A P's stack cache (p.mcache.stackcache): free stacks per order and the bytes they hold. Only the P's
    /// owner uses it, on g0.</summary>
    public sealed class Cache
    {
        internal readonly Stack<nint>[] List = new Stack<nint>[NumStackOrders];
        internal readonly long[] Size = new long[NumStackOrders];

        public Cache()
        {
            for (var i = 0; i < NumStackOrders; i++)
            {
                List[i] = new Stack<nint>();
            }
        }

        /// <summary>Bytes cached for <paramref name="order"/> (for tests).</summary>
        public long Bytes(int order) => Size[order];
    }

#if CHECKER_MUTANTS
    /// <summary>Diagnostic builds only, for the seeded bug that grows stacks 2 KiB at a time (Implementation's
    /// <c>Mutant.GrowByFixed2K</c>): <see cref="Allocate"/> also takes a multiple of <see cref="StackMin"/> that is no
    /// power of two, where Go's stackalloc throws. Such a stack is the low part of a block of the next order up (or a
    /// large stack of that size), and goes back there when freed. Off by default.</summary>
    internal bool AllowUnevenSizes { get; set; }

#endif
    /// <summary>Stacks handed out and not freed.</summary>
    public long Live => Interlocked.Read(ref _live);

    /// <summary>Bytes of the stacks handed out and not freed.</summary>
    public long LiveBytes => Interlocked.Read(ref _liveBytes);

    /// <summary>The pool order of a stack of <paramref name="size"/> bytes (0 for 2 KiB .. 3 for 16 KiB), or -1 for a
    /// large one.</summary>
    public static int Order(long size)
    {
        var order = 0;
        for (var n = (long)StackMin; n < size; n <<= 1)
        {
            order++;
        }

        return order < NumStackOrders ? order : -1;
    }

    /// <summary>Mirrors runtime.stackalloc (stack.go): gives <paramref name="g"/> a stack of <paramref name="size"/>
    /// bytes (a power of two, at least StackMin) and sets stack.lo/hi and stackguard0/1 = lo + StackGuard.
    /// <paramref name="c"/> is the P's cache (null: straight from the pool, Go's "no P" path).</summary>
    /// <remarks>Safety: caller guarantees g is a valid G with no stack.</remarks>
    public void Allocate(Cache? c, G* g, long size)
    {
        if (g->StackLo != 0)
        {
            throw new InvalidOperationException("stackalloc: g already has a stack");
        }

        if (size < StackMin || (size & (size - 1)) != 0)
        {
#if CHECKER_MUTANTS
            if (!AllowUnevenSizes || size % StackMin != 0)
#endif
            throw new ArgumentOutOfRangeException(nameof(size), size, "stackalloc: stack size not a power of 2");
        }

        var order = Order(size);
        nint lo;
        if (order >= 0)
        {
            if (c == null)
            {
                lock (_lock)
                {
                    lo = PoolAlloc(order);
                }
            }
            else
            {
                if (c.List[order].Count == 0)
                {
                    Refill(c, order);
                }

                lo = c.List[order].Pop();
                c.Size[order] -= (long)StackMin << order;
            }
        }
        else
        {
            lock (_lock)
            {
                // stackLarge.free[log2npage] first, as Go's stackalloc does.
                if (_largeFree.TryGetValue(size, out var free) && free.TryPop(out lo))
                {
                    _largeFreeBytes -= size;
                }
                else
                {
                    lo = StackSpace.Alloc(size);
                }

                _large.Add((lo, size));
            }
        }

        Interlocked.Increment(ref _live);
        Interlocked.Add(ref _liveBytes, size);
        g->StackLo = lo;
        g->StackHi = lo + (nint)size;
        g->StackGuard0 = lo + StackGuard;
        g->StackGuard1 = g->StackGuard0;
        g->StackCanary = 0;
    }

    /// <summary>Mirrors runtime.stackfree (stack.go): returns g's stack (to the P's cache, draining half of it to the
    /// pool when it reaches CacheSize; a large one to <see cref="StackSpace"/>) and clears g's stack fields.</summary>
    /// <remarks>Safety: caller guarantees nothing runs on or will switch to the stack again.</remarks>
    public void Free(Cache? c, G* g)
    {
        var lo = g->StackLo;
        var size = (long)(g->StackHi - lo);
        if (lo == 0)
        {
            throw new InvalidOperationException("stackfree: g has no stack");
        }

        g->StackLo = g->StackHi = g->StackGuard0 = g->StackGuard1 = g->StackCanary = 0;
        Free(c, lo, size);
    }

    /// <summary>stackfree of the stack [lo, lo + size) (newstack frees the old stack after the g moved off it).</summary>
    public void Free(Cache? c, nint lo, long size)
    {
        var order = Order(size);
        if (order >= 0)
        {
            if (c == null)
            {
                lock (_lock)
                {
                    _pool[order].Push(lo);
                }
            }
            else
            {
                if (c.Size[order] >= CacheSize)
                {
                    Release(c, order);
                }

                c.List[order].Push(lo);
                c.Size[order] += (long)StackMin << order;
            }
        }
        else
        {
            var keep = false;
            lock (_lock)
            {
                if (!_large.Remove((lo, size)))
                {
                    throw new InvalidOperationException($"stackfree: {lo:x} ({size} bytes) is not a live large stack");
                }

                if (_largeFreeBytes + size <= LargeFreeLimit)
                {
                    if (!_largeFree.TryGetValue(size, out var free))
                    {
                        _largeFree[size] = free = new Stack<nint>();
                    }

                    free.Push(lo);
                    _largeFreeBytes += size;
                    keep = true;
                }
            }

            if (!keep)
            {
                StackSpace.Free(lo, size);
            }
        }

        Interlocked.Decrement(ref _live);
        Interlocked.Add(ref _liveBytes, -size);
    }

    /// <summary>Mirrors runtime.stackcacherefill: half a cache's worth of stacks of <paramref name="order"/> from the pool.</summary>
    private void Refill(Cache c, int order)
    {
        var size = (long)StackMin << order;
        lock (_lock)
        {
            while (c.Size[order] < CacheSize / 2)
            {
                c.List[order].Push(PoolAlloc(order));
                c.Size[order] += size;
            }
        }
    }

    /// <summary>Mirrors runtime.stackcacherelease: gives stacks of <paramref name="order"/> back to the pool until the
    /// cache holds at most half a cache's worth.</summary>
    private void Release(Cache c, int order)
    {
        var size = (long)StackMin << order;
        lock (_lock)
        {
            while (c.Size[order] > CacheSize / 2)
            {
                _pool[order].Push(c.List[order].Pop());
                c.Size[order] -= size;
            }
        }
    }

    /// <summary>Mirrors runtime.stackcache_clear: the whole cache back to the pool (a P going away).</summary>
    public void Clear(Cache c)
    {
        lock (_lock)
        {
            for (var order = 0; order < NumStackOrders; order++)
            {
                while (c.List[order].TryPop(out var lo))
                {
                    _pool[order].Push(lo);
                }

                c.Size[order] = 0;
            }
        }
    }

    /// <summary>Mirrors runtime.stackpoolalloc: a stack of <paramref name="order"/> from the pool, carving a new
    /// span (<see cref="StackSpace.SpanAlign"/> bytes) into stacks when it is empty. Under _lock.</summary>
    private nint PoolAlloc(int order)
    {
        var list = _pool[order];
        if (list.Count == 0)
        {
            var span = StackSpace.Alloc(StackSpace.SpanAlign);
            _spans.Add(span);
            var size = StackMin << order;
            // Pushed from the top down, so stacks are handed out from the span's low end up.
            for (var at = span + StackSpace.SpanAlign - size; at >= span; at -= size)
            {
                list.Push(at);
            }
        }

        return list.Pop();
    }

    /// <summary>Gives every span back to <see cref="StackSpace"/>.</summary>
    /// <remarks>Safety: caller guarantees no goroutine of this allocator runs or will run again.</remarks>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var s in _spans)
            {
                StackSpace.Free(s, StackSpace.SpanAlign);
            }

            foreach (var (lo, size) in _large)
            {
                StackSpace.Free(lo, size);
            }

            foreach (var (size, free) in _largeFree)
            {
                foreach (var lo in free)
                {
                    StackSpace.Free(lo, size);
                }
            }

            _spans.Clear();
            _large.Clear();
            _largeFree.Clear();
            _largeFreeBytes = 0;
            foreach (var p in _pool)
            {
                p.Clear();
            }
        }
    }
}
