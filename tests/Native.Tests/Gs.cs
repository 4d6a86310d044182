using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>Test fixture: goroutines (G + stack + Rec) created on demand and freed on Dispose.</summary>
public sealed unsafe class Gs : IDisposable
{
    private readonly List<nint> _gs = new();
    private readonly List<nint> _recs = new();
    private long _nextGoid = 1;

    public Gs(StackPool? pool = null, StubSet? stubs = null)
    {
        Pool = pool ?? new StackPool();
        Stubs = stubs ?? StubSet.Shared;
    }

    public StackPool Pool { get; }

    /// <summary>The stub set the goroutines are prepared with (their goexit+1) and must run on.</summary>
    public StubSet Stubs { get; }

    public (nint G, nint Rec) New(nint fn)
    {
        var g = Records.NewG();
        g->Goid = _nextGoid++;
        Pool.Allocate(g);
        var rec = (Rec*)NativeMemory.AllocZeroed((nuint)sizeof(Rec));
        rec->ExpectG = (nint)g;
        rec->Reason = (long)McallReason.Gosched;
        Stubs.Prepare(g, fn, (nint)rec);
        _gs.Add((nint)g);
        _recs.Add((nint)rec);
        return ((nint)g, (nint)rec);
    }

    public void Dispose()
    {
        foreach (var g in _gs)
        {
            Pool.Free((G*)g);
            Records.FreeG((G*)g);
        }

        foreach (var r in _recs)
        {
            NativeMemory.Free((void*)r);
        }

        Pool.Dispose();
    }
}
