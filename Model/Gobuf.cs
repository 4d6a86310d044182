namespace Model;

/// <summary>
/// A gobuf (runtime2.go): the saved context of a g that is not on its own stack, all seven fields of Go 1.19's amd64
/// layout. Addresses are exact but relative: <see cref="Sp"/> and <see cref="Bp"/> are the number of bytes below the
/// g's <c>stack.hi</c> (0 = the field is zero), computed from the frame ABI (<see cref="FrameAbi"/>) for each kind of
/// save; Conformance maps a raw runtime value v to <c>stack.hi − v</c> of the same g and compares for equality.
/// <para>Writers (reference §3.2), with the offsets the model predicts (R and B = the op's function's rsp and rbp,
/// <c>CompiledWorkload.BodyCode.SpOffset</c> and <c>BpOffset</c>):</para>
/// <list type="bullet">
/// <item>newproc1 zeroes it: sp = TopBytes (40: the 32-byte top and gostartcall's fake return to goexit+1), pc = entry
/// (gostartcallfn), g, ctxt = fn, bp = 0.</item>
/// <item>mcall from a yield, park, exit or exitsyscall's slow path: sp = R, bp = B, pc = the op's resume point.</item>
/// <item>mcall from goexit+1 (a body returned): sp = GoexitSp (32), bp = 0 (the body's epilogue popped the zero rbp).</item>
/// <item>systemstack's switch: sp = bp = R + 16 (the CALL's return address and the stub's push of rbp), pc =
/// systemstack_switch; its return clears sp and bp (the native stub's contract, and tip's).</item>
/// <item>reentersyscall's save(pc, sp): pc = the syscall op; sp and bp as systemstack saved them (R + 16, the
/// GobufSave recorded then); for the rest of the syscall sp = syscallsp = R + 16 and bp = B (as tip's
/// save(pc, sp, bp) leaves it; the runtime puts them back after systemstack's return).</item>
/// <item>morestack from a call's prologue: sp = R + 8 (the callee's sp at entry), bp = B, pc = the call op.</item>
/// <item>gogo loads it and clears sp, ctxt, ret and bp (pc, g and lr stay).</item>
/// </list>
/// <para><see cref="Ret"/> and <see cref="Lr"/> are always 0 on these paths (amd64 has no link register; nothing here
/// writes ret, and gogo clears it); they are carried so that a state comparison can name every field.</para>
/// </summary>
public struct Gobuf : IEquatable<Gobuf>
{
    /// <summary>sched.sp, in bytes below stack.hi (0 = zero).</summary>
    public int Sp;
    /// <summary>sched.pc: the saved resume pc.</summary>
    public AbstractPc Pc;
    /// <summary>sched.g, the back-pointer: the g's slot + 1 (0 before newproc1 sets it). Written once (invariant B1).</summary>
    public int G;
    /// <summary>sched.ctxt, the closure context: nonzero only between gostartcallfn (or morestack) and the next gogo.</summary>
    public bool Ctxt;
    /// <summary>sched.ret (1.19): always 0 here; gogo loads it into AX and clears it.</summary>
    public long Ret;
    /// <summary>sched.lr: always 0 on amd64.</summary>
    public long Lr;
    /// <summary>sched.bp, in bytes below stack.hi (0 = zero).</summary>
    public int Bp;

    public readonly bool Equals(Gobuf o) =>
        Sp == o.Sp && Pc == o.Pc && G == o.G && Ctxt == o.Ctxt && Ret == o.Ret && Lr == o.Lr && Bp == o.Bp;
    public override readonly bool Equals(object? obj) => obj is Gobuf o && Equals(o);
    public override readonly int GetHashCode() => HashCode.Combine(Sp, Pc, G, Ctxt, Ret, Lr, Bp);
    public override readonly string ToString() =>
        $"{{sp={Offset(Sp)} pc={Pc} g={G} ctxt={(Ctxt ? 1 : 0)} ret={Ret} lr={Lr} bp={Offset(Bp)}}}";

    /// <summary>"0" or "hi-N".</summary>
    public static string Offset(int belowHi) => belowHi == 0 ? "0" : $"hi-{belowHi}";
}
