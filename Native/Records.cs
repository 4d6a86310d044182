using System.Runtime.InteropServices;
using Native.Layout;

namespace Native;

/// <summary>
/// Allocation of G and M records in native memory, 64-byte aligned and zeroed (native-notes rule 4: the GC never sees
/// them, so they never move and never hold managed references).
/// </summary>
public static unsafe class Records
{
    /// <summary>Mirrors runtime.malg (proc.go) without the stack: a zeroed G; WaitSema = -1, Sched.G = the G itself
    /// (newproc1 sets it in Go).
    /// Give it a stack with <see cref="StackPool.Allocate"/> and a start frame with <see cref="StubSet.PrepareGoroutine"/>.</summary>
    public static G* NewG()
    {
        var g = (G*)NativeMemory.AlignedAlloc(GLayout.Size, 64);
        NativeMemory.Clear(g, GLayout.Size);
        g->WaitSema = -1;
        g->Sched.G = (nint)g;
        return g;
    }

    /// <summary>Frees a G from <see cref="NewG"/>.</summary>
    /// <remarks>Safety: caller guarantees g is not running, not referenced by any M or queue, and its stack was returned.</remarks>
    public static void FreeG(G* g) => NativeMemory.AlignedFree(g);

    /// <summary>Mirrors runtime.allocm (proc.go): an M and its g0 (a G with no stack of its own: g0 runs on the .NET
    /// thread's stack, so unlike Go's mstart no stack bounds are recorded). g0.m = m, g0.sched.g = g0.</summary>
    public static M* NewM(long id)
    {
        var m = (M*)NativeMemory.AlignedAlloc(MLayout.Size, 64);
        NativeMemory.Clear(m, MLayout.Size);
        m->Id = id;
        var g0 = NewG();
        g0->M = m;
        g0->Goid = 0;
        m->G0 = g0;
        return m;
    }

    /// <summary>Frees an M from <see cref="NewM"/> and its g0.</summary>
    /// <remarks>Safety: caller guarantees no thread is inside entry with this M.</remarks>
    public static void FreeM(M* m)
    {
        FreeG(m->G0);
        NativeMemory.AlignedFree(m);
    }
}
