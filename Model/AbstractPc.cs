using Model.Workload;

namespace Model;

/// <summary>What an abstract <see cref="AbstractPc"/> points at.</summary>
public enum PcKind : byte
{
    /// <summary>0: never written, or cleared.</summary>
    Zero = 0,
    /// <summary><c>goexit+PCQuantum</c>: the fake return address of every new stack, and where goexit1 mcalls from.</summary>
    GoExit = 1,
    /// <summary>The entry of the g's body (<c>fn.fn</c>, written by gostartcallfn).</summary>
    Entry = 2,
    /// <summary><c>systemstack_switch</c>: the fake pc systemstack saves (gosave_systemstack_switch).</summary>
    SystemstackSwitch = 3,
    /// <summary>The resume pc of an op of the g's own body (the op that switched away).</summary>
    Point = 4,
}

/// <summary>
/// An abstract gobuf pc: zero, goexit+1, the body's entry, systemstack_switch, or the program point (pre-order
/// ordinal in the g's own body, see <see cref="ProgramPoints"/>) of the op whose switch saved it.
/// Conformance maps a raw pc to one of these through the compiled workload's symbol table.
/// </summary>
public readonly record struct AbstractPc(PcKind Kind, int Ordinal = 0)
{
    public static readonly AbstractPc Zero = new(PcKind.Zero);
    public static readonly AbstractPc GoExit = new(PcKind.GoExit);
    public static readonly AbstractPc Entry = new(PcKind.Entry);
    public static readonly AbstractPc SystemstackSwitch = new(PcKind.SystemstackSwitch);

    /// <summary>The pc of the op at <paramref name="ordinal"/> of the g's body.</summary>
    public static AbstractPc At(int ordinal) => new(PcKind.Point, ordinal);

    /// <summary>The number carried in events (GobufSave B, GobufLoad A): 0 zero, 1 goexit+1, 2 entry,
    /// 3 systemstack_switch, 16 + ordinal for a program point.</summary>
    public int Code => Kind == PcKind.Point ? 16 + Ordinal : (int)Kind;

    /// <summary>Inverse of <see cref="Code"/>.</summary>
    public static AbstractPc FromCode(int code) => code >= 16 ? At(code - 16) : new AbstractPc((PcKind)code);

    public override string ToString() => Kind switch
    {
        PcKind.Zero => "0",
        PcKind.GoExit => "goexit+1",
        PcKind.Entry => "entry",
        PcKind.SystemstackSwitch => "systemstack_switch",
        _ => $"op{Ordinal}",
    };
}
