using System.Runtime.InteropServices;
using Native.Layout;

namespace Implementation;

/// <summary>
/// G records carved out of 64 KiB slabs (malg's allocation, Go's allocates gs from its heap the same way): records
/// that are created together sit together, so a run over many gs walks fewer pages than with one malloc each.
/// Initialised as <see cref="Native.Records.NewG"/> does (zeroed, WaitSema = -1, sched.g = the g). Freed all at once.
/// Not thread-safe: the caller serialises (Sched holds its allgs lock).
/// </summary>
internal sealed unsafe class GSlab : IDisposable
{
    private const int SlabBytes = 64 * 1024;
    private readonly List<nint> _slabs = [];
    private byte* _next;
    private byte* _end;

    public G* New()
    {
        if (_next == _end)
        {
            var slab = (byte*)NativeMemory.AlignedAlloc(SlabBytes, 4096);
            _slabs.Add((nint)slab);
            _next = slab;
            _end = slab + SlabBytes;
        }
        var g = (G*)_next;
        _next += GLayout.Size;
        NativeMemory.Clear(g, GLayout.Size);
        g->WaitSema = -1;
        g->Sched.G = (nint)g;
        return g;
    }

    public void Dispose()
    {
        foreach (var s in _slabs) NativeMemory.AlignedFree((void*)s);
        _slabs.Clear();
        _next = _end = null;
    }
}
