using Model.Workload;

namespace Model.Contract;

/// <summary>
/// The frame layout of a compiled workload, shared by the workload compiler (which emits it) and the model (which
/// predicts every saved sp and bp from it as an exact offset below the g's <c>stack.hi</c>). Mirrors the amd64 shape of
/// Go's frames: newproc1's 32-byte top, a fake return address into goexit+1, then one frame per function with a saved
/// frame pointer.
/// <code>
///   hi                                      stack.hi (the runtime may colour it down; offsets are from the real hi)
///   hi-32 .. hi-1                           newproc1's totalSize (4 words + MinFrameSize, 16-aligned)
///   hi-40      goexit+1                     gostartcall's fake return address  ← sched.sp of a new g (TopBytes)
///   hi-48      saved rbp (0)                the body's prologue: push rbp ; mov rbp,rsp   ← rbp in the body
///   hi-48-F    the body's frame F           sub rsp,F                                    ← rsp in the body
///   ...        return address, saved rbp, the call's frame, for each nested call
/// </code>
/// F = align16(the frame bytes a <c>call</c> asks for) + align16(8 × the repeat counters live at once in that frame).
/// </summary>
public static class FrameAbi
{
    /// <summary>newproc1's totalSize on amd64: alignUp(4·PtrSize + MinFrameSize, StackAlign).</summary>
    public const int NewProcTotalSize = 32;
    /// <summary>A return address (a CALL's push, or gostartcall's fake one).</summary>
    public const int ReturnAddressBytes = 8;
    /// <summary>The frame pointer a prologue pushes.</summary>
    public const int SavedBpBytes = 8;
    /// <summary>Below stack.hi where a new g's sched.sp points: the 32-byte top plus the fake return to goexit+1.</summary>
    public const int TopBytes = NewProcTotalSize + ReturnAddressBytes;
    /// <summary>What a <c>call</c> costs besides its frame: the return address and the saved frame pointer.</summary>
    public const int CallOverheadBytes = ReturnAddressBytes + SavedBpBytes;

    /// <summary>Below stack.hi where a body's rbp points once its prologue pushed the (zero) frame pointer.</summary>
    public const int BodyBp = TopBytes + SavedBpBytes;
    /// <summary>Below stack.hi where sp is when a body has returned into goexit+1 (its RET popped the fake return
    /// address): newproc1's 32-byte top. goexit1 mcalls from there, so it is the sp goexit0's save records.</summary>
    public const int GoexitSp = NewProcTotalSize;
    /// <summary>What systemstack's stub has pushed when it saves sp and bp: the caller's CALL pushed the return address,
    /// then the stub's <c>push rbp ; mov rbp,rsp</c> (Native/Amd64/Systemstack.cs), so sp = bp = caller's sp + 16.</summary>
    public const int SystemstackPushBytes = ReturnAddressBytes + SavedBpBytes;
    /// <summary>Go's StackSmall: a prologue whose frame is at most this compares sp itself against stackguard0; a larger
    /// frame compares sp − (frame − StackSmall). Native/StackCheck.cs emits that check.</summary>
    public const int StackSmall = 128;

    /// <summary>The bytes a function's prologue check covers (StackCheck.EmitPrologue's frameBytes): the pushed rbp
    /// and the frame F.</summary>
    public static int PrologueBytes(int frame) => SavedBpBytes + frame;

    /// <summary>
    /// Whether a function with frame <paramref name="frame"/>, entered with sp <paramref name="entrySp"/> bytes below
    /// stack.hi, passes its prologue check on a stack of <paramref name="stackSize"/> bytes whose stackguard0 is
    /// <paramref name="guard"/> bytes above stack.lo. The check Native/StackCheck.cs emits calls morestack when
    /// <c>sp − max(0, PrologueBytes − StackSmall) ≤ stackguard0</c>; in offsets below hi that is
    /// <c>entrySp + max(0, PrologueBytes − StackSmall) ≥ stackSize − guard</c>.
    /// </summary>
    public static bool PrologueFits(int entrySp, int frame, long stackSize, long guard) =>
        PrologueNeed(entrySp, frame) < stackSize - guard;

    /// <summary>The offset below stack.hi that the prologue compares against stackguard0 (see <see cref="PrologueFits"/>).</summary>
    public static int PrologueNeed(int entrySp, int frame) => entrySp + Math.Max(0, PrologueBytes(frame) - StackSmall);

    /// <summary>The native runtime's cache colouring (not in Go): the k-th fresh g's stack.hi is moved down by
    /// <c>(k mod StackColours) × StackColourBytes</c>, so stack tops that sit exactly 64 KiB apart do not all fall into
    /// the same cache sets. Offsets below hi are unaffected; the usable stack shrinks by the colour.</summary>
    public const int StackColourBytes = 64;
    /// <summary>How many colours there are (see <see cref="StackColourBytes"/>).</summary>
    public const int StackColours = 64;

    /// <summary>The colour of the g with allgs index <paramref name="index"/>, in bytes.</summary>
    public static int StackColour(int index) => index % StackColours * StackColourBytes;

    /// <summary>Rounds up to 16 (the SysV stack alignment).</summary>
    public static int Align16(long n) => checked((int)((n + 15) & ~15L));

    /// <summary>Repeat counters a function needs at once: nested repeats stack, siblings reuse a slot; a select's case
    /// blocks run in the same frame; calls have their own frames.</summary>
    public static int RepeatSlots(Block block)
    {
        var max = 0;
        foreach (var op in block)
        {
            if (op is RepeatOp r) max = Math.Max(max, 1 + RepeatSlots(r.Body));
            else if (op is SelectOp s)
                foreach (var c in s.Cases)
                    max = Math.Max(max, RepeatSlots(c.Nested!));
        }
        return max;
    }

    /// <summary>Whether a function's own code (its repeat and case blocks included, its calls not) sends or receives:
    /// then its frame has the two channel value slots.</summary>
    public static bool UsesChanSlots(Block block)
    {
        foreach (var op in block)
        {
            switch (op)
            {
                case SendOp or RecvOp or SelectOp: return true;
                case RepeatOp r when UsesChanSlots(r.Body): return true;
            }
        }
        return false;
    }

    /// <summary>The two words of a frame that sends or receives: the value a send or a select's send case sends from,
    /// and the slot a receive's value lands in (sendDirect and recv's typedmemmove write straight into it, as Go
    /// writes into the receiving goroutine's own variable).</summary>
    public const int ChanSlotBytes = 16;

    /// <summary>F: the bytes a function's prologue subtracts from rsp (after pushing rbp).</summary>
    public static int FrameSize(int frameBytes, Block block) =>
        Align16(frameBytes) + Align16(8L * RepeatSlots(block)) + (UsesChanSlots(block) ? ChanSlotBytes : 0);

    /// <summary>How far below rbp a function's send slot lives (right under its repeat counters); the receive slot is 8
    /// bytes lower. Emitted code passes the send slot's address to every channel service.</summary>
    public static int SendSlotOffset(Block block) => Align16(8L * RepeatSlots(block)) + 8;

    /// <summary>How far below rbp the receive slot lives.</summary>
    public static int RecvSlotOffset(Block block) => SendSlotOffset(block) + 8;

    /// <summary>How far below rbp the repeat counter at nesting <paramref name="depth"/> (0 = outermost in its frame) lives.</summary>
    public static int RepeatSlotOffset(int depth) => 8 * (depth + 1);
}
