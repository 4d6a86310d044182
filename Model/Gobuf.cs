namespace Model;

/// <summary>
/// An abstract gobuf (runtime2.go): the saved context of a g that is not on its own stack.
/// <para><see cref="Sp"/> and <see cref="Bp"/> are frame levels: 0 = zero; 1 = the top of the g's stack as newproc1
/// leaves it (stack.hi−40, just below the fake return to goexit+1); 2 = inside the body's own frame; 2+k = inside the
/// k-th nested <c>call</c> frame. Conformance can compare "zero" against "inside this g's stack".</para>
/// <para>Writers (reference §3.2): newproc1 zeroes it and sets sp = 1, pc = goexit+1, g; gostartcallfn pushes that
/// pc and sets pc = entry and ctxt; gogo loads it and clears sp, ctxt, ret and bp (pc and g stay);
/// mcall and morestack save sp, pc and bp; systemstack saves sp, pc = systemstack_switch and bp and clears sp and bp
/// on return (the native stub's contract, and tip's; 1.19 leaves bp stale there); reentersyscall's save sets sp and
/// pc. <c>lr</c> is always 0 on amd64 and <c>ret</c> is never written nonzero by these paths, so both are left out.</para>
/// </summary>
public struct Gobuf : IEquatable<Gobuf>
{
    /// <summary>Frame level of the saved stack pointer (0 = zero).</summary>
    public byte Sp;
    /// <summary>The saved resume pc.</summary>
    public AbstractPc Pc;
    /// <summary>Back-pointer: the g's slot + 1 (0 before newproc1 sets it). Written once (invariant B1).</summary>
    public int G;
    /// <summary>Closure context: nonzero only between gostartcallfn (or morestack) and the next gogo.</summary>
    public bool Ctxt;
    /// <summary>Frame level of the saved frame pointer (0 = zero).</summary>
    public byte Bp;

    public readonly bool Equals(Gobuf o) => Sp == o.Sp && Pc == o.Pc && G == o.G && Ctxt == o.Ctxt && Bp == o.Bp;
    public override readonly bool Equals(object? obj) => obj is Gobuf o && Equals(o);
    public override readonly int GetHashCode() => HashCode.Combine(Sp, Pc, G, Ctxt, Bp);
    public override readonly string ToString() => $"{{sp={Sp} pc={Pc} g={G} ctxt={(Ctxt ? 1 : 0)} bp={Bp}}}";
}
