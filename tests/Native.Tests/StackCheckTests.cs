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
}
