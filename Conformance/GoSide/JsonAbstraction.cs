using Model.Contract;
using Conformance.Refinement;
using Implementation.Trace;
using Model;

namespace Conformance.GoSide;

/// <summary>
/// The abstraction function of a JSON trace (docs/trace-format.schema.json), driven by the file itself: its "pcs"
/// table names what each raw pc means to the model ("zero", "goexit", "entry", "systemstack", or "op N", the N-th op
/// of the goroutine's body in pre-order), and GoCreate events carry each goroutine's stack bounds (c = lo, d = hi), so
/// an sp or bp is zero, inside that stack, or outside it (a foreign runtime's frames are its own, so sps are not
/// compared exactly: <see cref="ExactStacks"/> is false). With "abstraction": "identity" the values are already the
/// model's (pc = AbstractPc code, sp and bp = bytes below stack.hi, GoCreate c = stack size).
/// </summary>
public sealed class JsonAbstraction : Abstraction
{
    private readonly Dictionary<long, int> _pcs;
    private readonly Dictionary<long, (long Lo, long Hi)> _stacks = [];

    public JsonAbstraction(Dictionary<long, int> pcs) => _pcs = pcs;

    /// <summary>The name of an <see cref="AbstractPc"/> code in the JSON format.</summary>
    public static string Name(int code)
    {
        var pc = AbstractPc.FromCode(code);
        if (pc == AbstractPc.Zero) return "zero";
        if (pc == AbstractPc.GoExit) return "goexit";
        if (pc == AbstractPc.Entry) return "entry";
        if (pc == AbstractPc.SystemstackSwitch) return "systemstack";
        return $"op {code - AbstractPc.At(0).Code}";
    }

    /// <summary>The code of a name, or -1.</summary>
    public static int Code(string name) => name switch
    {
        "zero" => AbstractPc.Zero.Code,
        "goexit" => AbstractPc.GoExit.Code,
        "entry" => AbstractPc.Entry.Code,
        "systemstack" => AbstractPc.SystemstackSwitch.Code,
        _ when name.StartsWith("op ", StringComparison.Ordinal) && int.TryParse(name.AsSpan(3), out var n) && n >= 0 => AbstractPc.At(n).Code,
        _ => -1,
    };

    public override void Observe(in TraceEvent e)
    {
        if (e.Kind == EventKind.GoCreate) _stacks[e.A] = (e.C, e.D);
    }

    public override int PcCode(long pc, long goid) => pc == 0 ? AbstractPc.Zero.Code : _pcs.TryGetValue(pc, out var c) ? c : -1;

    public override Place Where(long sp, long goid) =>
        sp == 0 ? Place.Zero : _stacks.TryGetValue(goid, out var s) && sp > s.Lo && sp <= s.Hi ? Place.InsideStack : Place.OutsideStack;

    public override long? StackOffset(long sp, long goid) =>
        sp == 0 ? 0 : _stacks.TryGetValue(goid, out var s) ? s.Hi - sp : null;

    public override long? StackHi(long goid) => _stacks.TryGetValue(goid, out var s) ? s.Hi : null;

    public override bool ExactStacks => false;

    public override long StackSize(in TraceEvent create) => create.D - create.C;
}
