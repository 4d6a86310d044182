using Implementation;
using Implementation.Trace;
using Model;

namespace Conformance.Refinement;

/// <summary>
/// The abstraction function's value half (ARCHITECTURE.md, "Refinement checking"): maps the raw values a runtime
/// event carries to the model's abstract ones. A resume pc becomes a program point through the compiled workload's
/// symbol table (or goexit+1, a body entry, systemstack_switch, zero); an sp or bp becomes its exact distance below
/// the g's own stack.hi (<see cref="StackOffset"/>: the model predicts that number from the frame ABI), and, for
/// reports, "zero", "inside this g's stack" or "outside it"; a new g's stack bounds become its size. Stack bounds are
/// learned from GoCreate events as the trace is read (each g's hi is its own: the runtime colours fixed stacks' hi down
/// per g), and StackGrow events move them.
/// </summary>
public abstract class Abstraction
{
    /// <summary>What an sp or bp says about where it points.</summary>
    public enum Place : byte
    {
        Zero,
        InsideStack,
        OutsideStack,
    }

    /// <summary>Takes note of an event before it is compared (GoCreate: the new g's stack bounds; StackGrow: its new
    /// ones). Called once per event, in trace order.</summary>
    public abstract void Observe(in TraceEvent e);

    /// <summary>The trace index of the event being compared: stack bounds are answered as of that event (a g's stack
    /// moves at each StackGrow, and a search may compare an event after having observed later ones).
    /// int.MaxValue (the default): the latest bounds observed.</summary>
    public int At { get; set; } = int.MaxValue;

    /// <summary>The <see cref="AbstractPc.Code"/> of a raw pc saved for or loaded into goroutine <paramref name="goid"/>,
    /// or -1 when the pc is nowhere the symbol table knows.</summary>
    public abstract int PcCode(long pc, long goid);

    /// <summary>
    /// As <see cref="PcCode"/>, for a pc some g will be resumed at (an mcall's saved pc, a pc gogo jumps to): only an
    /// exact resume point, a body entry or a stub address counts. A pc elsewhere inside an op's code (its first
    /// instruction, say) is -1 here, so a switch that saves the wrong pc inside the right op is still caught.
    /// </summary>
    public virtual int ResumePcCode(long pc, long goid) => PcCode(pc, goid);

    /// <summary>Where a raw sp or bp of goroutine <paramref name="goid"/> points.</summary>
    public abstract Place Where(long sp, long goid);

    /// <summary>A raw sp or bp of goroutine <paramref name="goid"/> in the model's terms: <c>stack.hi − sp</c> of that
    /// g's stack (0 stays 0, meaning the field is zero). Null when the g's stack is not known (no GoCreate seen).</summary>
    public abstract long? StackOffset(long sp, long goid);

    /// <summary>The g's stack.hi, to show an offset as a raw address; null when unknown (or for model-side traces).</summary>
    public abstract long? StackHi(long goid);

    /// <summary>Whether saved and loaded sps and bps are compared exactly (<see cref="StackOffset"/> against the model's
    /// offset). True for this runtime and for the model's own traces, whose frames follow the shared frame ABI; a
    /// foreign runtime's trace (docs/checking-your-runtime.md) has frames of its own, so only "zero" or "inside the
    /// g's stack" (<see cref="Where"/>) can be compared.</summary>
    public virtual bool ExactStacks => true;

    /// <summary>The stack size a GoCreate event reports (the model's GoCreate C).</summary>
    public abstract long StackSize(in TraceEvent create);

    /// <summary>For traces recorded from the native runtime: raw addresses, mapped through <see cref="SymbolTable"/>.</summary>
    public static Abstraction Native(SymbolTable symbols) => new NativeAbstraction(symbols);

    /// <summary>For traces already in the model's terms (the model's own events turned into trace events, or
    /// hand-made test traces): pcs are codes, sps and bps are already offsets below stack.hi, GoCreate C is the stack size.</summary>
    public static Abstraction Identity { get; } = new IdentityAbstraction();

    private sealed class NativeAbstraction(SymbolTable symbols) : Abstraction
    {
        /// <summary>Each goid's stacks, with the trace index from which each holds.</summary>
        private readonly Dictionary<long, List<(int From, long Lo, long Hi)>> _stacks = [];
        private int _observed;

        private void Note(long goid, long lo, long hi)
        {
            if (!_stacks.TryGetValue(goid, out var list)) _stacks[goid] = list = [];
            list.Add((_observed, lo, hi));
        }

        private bool TryStack(long goid, out (long Lo, long Hi) stack)
        {
            stack = default;
            if (!_stacks.TryGetValue(goid, out var list)) return false;
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i].From <= At)
                {
                    stack = (list[i].Lo, list[i].Hi);
                    return true;
                }
            }
            return false;
        }
        private readonly Dictionary<nint, int> _pcCache = [];
        private readonly Dictionary<nint, int> _resumeCache = [];

        public override void Observe(in TraceEvent e)
        {
            if (e.Kind == EventKind.GoCreate) Note(e.A, e.C, e.D);
            // newstack moved the g: from here on its sps and bps are offsets below the new hi (copystack keeps them).
            else if (e.Kind == EventKind.StackGrow) Note(e.G, e.C, e.D);
            _observed++;
        }

        public override int PcCode(long pc, long goid)
        {
            var p = (nint)pc;
            if (_pcCache.TryGetValue(p, out var code)) return code;
            // Any resume pc, else a pc anywhere inside an op's code (entersyscall's save(pc, sp), morestack's prologue).
            code = ResumePcCode(pc, goid);
            if (code < 0 && symbols.PointAt(p) is { } at) code = AbstractPc.At(at.Ordinal).Code;
            _pcCache[p] = code;
            return code;
        }

        public override int ResumePcCode(long pc, long goid)
        {
            var p = (nint)pc;
            if (_resumeCache.TryGetValue(p, out var code)) return code;
            // goexit1's mcall saves badmcall as its resume pc (an exited g must never run again); Go's saves a pc in
            // goexit1, which the model names goexit+1. Both mean "exiting through goexit".
            if (pc == 0) code = AbstractPc.Zero.Code;
            else if (p == symbols.GoexitPc || p == symbols.BadMcall) code = AbstractPc.GoExit.Code;
            else if (p == symbols.SystemstackRet) code = AbstractPc.SystemstackSwitch.Code;
            else if (symbols.BodyAtEntry(p) >= 0) code = AbstractPc.Entry.Code;
            // newstack's gogo resumes at morestack's saved pc, in the function's prologue: the model names it the call
            // op (a body's own prologue: its entry).
            else if (symbols.IsMorestackReturn(p))
                code = symbols.PointAt(p) is { } owner ? AbstractPc.At(owner.Ordinal).Code : AbstractPc.Entry.Code;
            else code = symbols.ResumePoints.TryGetValue(p, out var point) ? AbstractPc.At(point.Ordinal).Code : -1;
            _resumeCache[p] = code;
            return code;
        }

        public override Place Where(long sp, long goid)
        {
            if (sp == 0) return Place.Zero;
            return TryStack(goid, out var s) && sp > s.Lo && sp <= s.Hi ? Place.InsideStack : Place.OutsideStack;
        }

        public override long? StackOffset(long sp, long goid)
        {
            if (sp == 0) return 0;
            return TryStack(goid, out var s) ? s.Hi - sp : null;
        }

        public override long? StackHi(long goid) => TryStack(goid, out var s) ? s.Hi : null;

        public override long StackSize(in TraceEvent create) => create.D - create.C;
    }

    private sealed class IdentityAbstraction : Abstraction
    {
        public override void Observe(in TraceEvent e) { }
        public override int PcCode(long pc, long goid) => (int)pc;
        public override Place Where(long sp, long goid) => sp == 0 ? Place.Zero : sp > 0 ? Place.InsideStack : Place.OutsideStack;
        public override long? StackOffset(long sp, long goid) => sp;
        public override long? StackHi(long goid) => null;
        public override long StackSize(in TraceEvent create) => create.C;
    }
}
