using Iced.Intel;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native;

/// <summary>
/// The stack-bound check emitted code puts at the very start of every function (cmd/internal/obj/x86 stacksplit,
/// obj6.go). The primary overflow defence: stacks come from arenas without guard pages (see <see cref="StackPool"/>).
/// <code>
/// frame ≤ StackSmall (128):   cmp rsp,[r14+G.StackGuard0] ; jbe morestack_call
/// frame > StackSmall:         lea r12,[rsp-(frame-StackSmall)] ; cmp r12,[r14+G.StackGuard0] ; jbe morestack_call
/// frame > 4 KiB:              then one read probe per page of the frame, top down: test [rsp-k*4096],al
/// ...
/// morestack_call:             call [rip+slot] ; jmp start ; slot: dq morestack   (EmitMorestackCall, at the end)
/// </code>
/// StackSmall bytes may go below stackguard0 unchecked, as in Go; StackPool.StackGuard keeps far more than that free.
/// Clobbers R12 (frames over StackSmall) and flags. RDX (closure context) is saved into g.sched.ctxt by morestack.
/// </summary>
public static class StackCheck
{
    /// <summary>Go's StackSmall: frames this small compare SP itself (the shared frame ABI's, which the model's check uses).</summary>
    public const int StackSmall = FrameAbi.StackSmall;

    /// <summary>
    /// Go's stackPreempt (stack.go, 0xfffffade in the low bits): storing it in g.stackguard0 makes the g's next checked
    /// prologue fail, so the g calls morestack and comes back to C# with McallReason.Morestack even though its stack is
    /// fine. As in newstack, C# tells the two apart by <c>g.StackGuard0 == StackPreempt</c> and preempts the g
    /// (gopreempt_m), or restores <c>StackLo</c> + the guard and resumes it: either way it re-runs the check at the
    /// function's start.
    /// </summary>
    public static readonly nint StackPreempt = unchecked((nint)0xFFFF_FFFF_FFFF_FADE);

    /// <summary>Marks the frame-size word in front of a morestack call (see <see cref="FrameBytesAt"/>).</summary>
    public const uint FrameMarker = 0x4D53_4B46; // "FKSM"

    /// <summary>The bytes the prologue of the function whose morestack call returns to <paramref name="schedPc"/>
    /// (g.sched.pc after morestack) checked, or -1 when that call has no frame word (code not from the workload
    /// compiler). Go's newstack gets the same from funcMaxSPDelta(findfunc(gp.sched.pc)).</summary>
    /// <remarks>Safety: caller guarantees schedPc is the sched.pc morestack saved, in mapped code.</remarks>
    public static unsafe int FrameBytesAt(nint schedPc)
    {
        if (*(uint*)(schedPc - 14) != FrameMarker || *(ushort*)(schedPc - 6) != 0x15FF)
        {
            return -1;
        }

        return *(int*)(schedPc - 10);
    }

#if CHECKER_MUTANTS
    /// <summary>
    /// Diagnostic builds only, for the seeded bug that resumes a grown g past its prologue (Implementation's
    /// <c>Mutant.MorestackPcPastPrologue</c>): the address of the first instruction after the prologue check
    /// (<see cref="EmitPrologue"/>: the compare, its jbe to the morestack call, the page probes) of the function whose
    /// morestack call returns to <paramref name="schedPc"/>, found by decoding the code: the jmp at
    /// <paramref name="schedPc"/> names the function's start. <paramref name="schedPc"/> itself when the code there is
    /// not laid out as <see cref="EmitMorestackCall"/> and <see cref="EmitPrologue"/> lay it out.
    /// </summary>
    /// <remarks>Safety: caller guarantees schedPc is the sched.pc morestack saved, in mapped code.</remarks>
    public static unsafe nint PrologueEnd(nint schedPc)
    {
        var at = (byte*)schedPc;
        var start = at[0] switch
        {
            0xEB => schedPc + 2 + (sbyte)at[1],
            0xE9 => schedPc + 5 + *(int*)(at + 1),
            _ => schedPc,
        };
        if (start >= schedPc || *(ushort*)(schedPc - 6) != 0x15FF) return schedPc;
        var morestackCall = (ulong)(schedPc - 6);
        var decoder = Decoder.Create(64, new MemoryCodeReader((byte*)start, checked((int)(schedPc - start))), (ulong)start);
        var checkDone = false;
        while (decoder.IP < (ulong)schedPc)
        {
            decoder.Decode(out var instruction);
            if (instruction.IsInvalid) break;
            if (!checkDone)
            {
                if (instruction.Mnemonic == Mnemonic.Jbe)
                {
                    if (instruction.NearBranchTarget != morestackCall) break;
                    checkDone = true;
                }
                else if (instruction.Mnemonic is not (Mnemonic.Cmp or Mnemonic.Lea)) break;
            }
            else if (instruction.Mnemonic != Mnemonic.Test)
            {
                return (nint)instruction.IP;
            }
        }

        return schedPc;
    }

    /// <summary>Iced's code reader over a span of memory (code that is mapped and not being written).</summary>
    private sealed unsafe class MemoryCodeReader : CodeReader
    {
        private readonly byte* _code;
        private readonly int _length;
        private int _at;

        public MemoryCodeReader(byte* code, int length)
        {
            _code = code;
            _length = length;
        }

        public override int ReadByte() => _at < _length ? _code[_at++] : -1;
    }

#endif
    /// <summary>Page size used for probes.</summary>
    public const int ProbeStep = 4096;

    /// <summary>Emits the prologue check for a function whose frame (everything it will push or reserve below its
    /// return address) is <paramref name="frameBytes"/>. Must be the first code of the function.</summary>
    public static void EmitPrologue(Assembler a, int frameBytes, Label morestackCall)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frameBytes);
        if (frameBytes <= StackSmall)
        {
            a.cmp(rsp, __qword_ptr[r14 + GLayout.StackGuard0]);
        }
        else
        {
            a.lea(r12, __[rsp - (frameBytes - StackSmall)]);
            a.cmp(r12, __qword_ptr[r14 + GLayout.StackGuard0]);
        }

        a.jbe(morestackCall);
        if (frameBytes > ProbeStep)
        {
            for (var off = ProbeStep; off < frameBytes; off += ProbeStep)
            {
                a.test(__byte_ptr[rsp - off], al);
            }

            a.test(__byte_ptr[rsp - frameBytes], al);
        }
    }

    /// <summary>Emits <c>morestack_call: call [rip+slot]; jmp start; slot: dq morestack</c>. Binds
    /// <paramref name="morestackCall"/>; <paramref name="functionStart"/> is the label of the function's first
    /// instruction (its prologue). The call goes through a slot so that the code is the same wherever the region lands
    /// relative to the stubs (a direct call beyond rel32 range would be rewritten by Iced's block encoder, and a label on
    /// a rewritten instruction has no address Iced can report). This is the cold path, so the indirection costs nothing.
    /// The slot holds <paramref name="stubs"/>' morestack (the run's stub set; <see cref="StubSet.Shared"/> when null).</summary>
    public static void EmitMorestackCall(Assembler a, ref Label morestackCall, Label functionStart, StubSet? stubs = null, int frameBytes = -1)
    {
        var slot = a.CreateLabel();
        if (frameBytes >= 0)
        {
            // Our funcMaxSPDelta: newstack reads the frame the prologue checked from just before the call morestack
            // returns past (sched.pc - 6 is the call, sched.pc - 10 the frame, sched.pc - 14 the marker). Data after the
            // function's last instruction (its ret): never executed.
            a.dd(FrameMarker);
            a.dd((uint)frameBytes);
        }

        a.Label(ref morestackCall);
        a.call(__qword_ptr[slot]);
        a.jmp(functionStart);
        a.Label(ref slot);
        a.dq((ulong)(stubs ?? StubSet.Shared).Morestack);
    }
}
