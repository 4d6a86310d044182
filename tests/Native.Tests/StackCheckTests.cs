using Iced.Intel;
using Native.Layout;

namespace Native.Tests;

public class StackCheckTests
{

    private static List<string> Emit(int frame)
    {
        var a = new Assembler(64);
        var start = a.CreateLabel("f");
        var msc = a.CreateLabel("morestack_call");
        a.Label(ref start);
        StackCheck.EmitPrologue(a, frame, msc);
        a.ret();
        StackCheck.EmitMorestackCall(a, ref msc, start);
        using var region = CodeRegion.Assemble(a, new Dictionary<string, Label> { ["f"] = start, ["morestack_call"] = msc });
        var symbols = new Dictionary<string, nint>(region.Labels) { ["morestack"] = StubSet.Shared.Morestack };
        return Disassembler.Decode(region.Code(), (ulong)region.Base, symbols);
    }

    [Fact]
    public void Small_frames_compare_SP_itself()
    {
        Assert.Equal(
            [$"cmp rsp,[r14+{GLayout.StackGuard0}]", "jbe morestack_call", "ret", "call morestack", "jmp f"],
            Emit(100));
    }

    [Fact]
    public void Larger_frames_compare_SP_minus_the_frame_beyond_StackSmall()
    {
        Assert.Equal(
            ["lea r12,[rsp-872]", $"cmp r12,[r14+{GLayout.StackGuard0}]", "jbe morestack_call", "ret", "call morestack", "jmp f"],
            Emit(1000));
    }

    [Fact]
    public void Frames_over_a_page_are_probed_page_by_page()
    {
        Assert.Equal(
            [
                "lea r12,[rsp-9872]", $"cmp r12,[r14+{GLayout.StackGuard0}]", "jbe morestack_call",
                "test [rsp-4096],al", "test [rsp-8192],al", "test [rsp-10000],al",
                "ret", "call morestack", "jmp f",
            ],
            Emit(10_000));
    }

#if CHECKER_MUTANTS
    /// <summary>The seeded bug MorestackPcPastPrologue resumes a grown g at <see cref="StackCheck.PrologueEnd"/>: the
    /// function's first instruction after its check and probes (its push rbp), found from morestack's return alone.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(10_000)]
    [InlineData(70_000)]
    public void The_prologue_ends_at_the_first_instruction_after_the_check_and_its_probes(int frame)
    {
        var a = new Assembler(64);
        var start = a.CreateLabel("f");
        var body = a.CreateLabel("body");
        var msc = a.CreateLabel("morestack_call");
        a.Label(ref start);
        StackCheck.EmitPrologue(a, frame, msc);
        a.Label(ref body);
        a.push(AssemblerRegisters.rbp);
        a.pop(AssemblerRegisters.rbp);
        a.ret();
        StackCheck.EmitMorestackCall(a, ref msc, start, frameBytes: frame);
        using var region = CodeRegion.Assemble(a, new Dictionary<string, Label> { ["f"] = start, ["body"] = body, ["morestack_call"] = msc });
        var morestackReturn = region["morestack_call"] + 6; // call [rip+slot]: 6 bytes, then the jmp back to f
        Assert.Equal(frame, StackCheck.FrameBytesAt(morestackReturn));
        Assert.Equal(region["body"], StackCheck.PrologueEnd(morestackReturn));
        // Anything else is left as it is.
        Assert.Equal(region["body"], StackCheck.PrologueEnd(region["body"]));
    }
#endif
}
