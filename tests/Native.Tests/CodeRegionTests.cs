using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Tests;

public unsafe class CodeRegionTests
{
    [Fact]
    public void Code_is_mapped_read_execute_never_writable()
    {
        var region = StubSet.Shared.Region;
        var map = StackPoolTests.FindMapping(region.Base);
        Assert.NotNull(map);
        Assert.Equal("r-xp", map!.Value.Perms);
    }

    [Fact]
    public void A_jump_to_a_label_that_was_never_bound_is_refused()
    {
        var a = new Assembler(64);
        var start = a.CreateLabel("start");
        var nowhere = a.CreateLabel("nowhere");
        a.Label(ref start);
        a.jmp(nowhere);
        var e = Assert.Throws<InvalidOperationException>(() => CodeRegion.Assemble(a, new Dictionary<string, Label> { ["start"] = start }));
        Assert.Contains("never bound", e.Message);
    }

    [Fact]
    public void A_RIP_relative_reference_to_an_unbound_label_is_refused()
    {
        var a = new Assembler(64);
        var nowhere = a.CreateLabel("nowhere");
        a.lea(rax, __[nowhere]);
        a.ret();
        Assert.Contains("never bound", Assert.Throws<InvalidOperationException>(() => CodeRegion.Assemble(a)).Message);
    }

    [Fact]
    public void Exporting_a_label_copied_before_binding_is_refused()
    {
        var a = new Assembler(64);
        var l = a.CreateLabel("l");
        var copy = l;                       // Iced's Label is a mutable struct: this copy stays unbound
        a.Label(ref l);
        a.ret();
        Assert.Contains("not bound", Assert.Throws<InvalidOperationException>(
            () => CodeRegion.Assemble(a, new Dictionary<string, Label> { ["l"] = copy })).Message);
    }

    [Fact]
    public void Assembled_code_runs_and_reaches_far_absolute_targets()
    {
        // add1 calls a stub in another region by absolute address (the block encoder picks rel32 or an indirect form).
        var a = new Assembler(64);
        var f = a.CreateLabel("f");
        a.Label(ref f);
        a.lea(rax, __[rdi + 1]);
        a.ret();
        using var r1 = CodeRegion.Assemble(a, new Dictionary<string, Label> { ["f"] = f });
        var b = new Assembler(64);
        var g = b.CreateLabel("g");
        b.Label(ref g);
        b.sub(rsp, 8);
        b.call((ulong)r1["f"]);
        b.add(rax, 10);
        b.add(rsp, 8);
        b.ret();
        using var r2 = CodeRegion.Assemble(b, new Dictionary<string, Label> { ["g"] = g });
        var fn = (delegate* unmanaged<long, long>)r2["g"];
        Assert.Equal(52, fn(41));
        Assert.Throws<KeyNotFoundException>(() => r2["missing"]);
    }

    [Fact]
    public void A_branch_beyond_rel32_range_goes_through_a_slot_and_decodes_as_the_branch_it_stands_for()
    {
        const ulong far = 0x1000_0000_0000;          // 16 TiB: never within 2 GiB of a code region
        var a = new Assembler(64);
        var f = a.CreateLabel("f");
        a.Label(ref f);
        a.nop();                                    // the label cannot sit on the rewritten call (see below)
        a.call(far);
        a.ret();
        using var region = CodeRegion.Assemble(a, new Dictionary<string, Label> { ["f"] = f });
        Assert.True(region.Length > 8, "the encoder appended the target qword");
        Assert.Equal(["nop", "call 0x100000000000", "ret"], Disassembler.Decode(region.Code(), (ulong)region.Base, region.Labels));
    }

    [Fact]
    public void Exporting_a_label_on_a_rewritten_far_branch_is_refused_instead_of_giving_a_garbage_address()
    {
        var a = new Assembler(64);
        var f = a.CreateLabel("f");
        var far = a.CreateLabel("far");
        a.Label(ref f);
        a.nop();
        a.Label(ref far);
        a.call(0x1000_0000_0000UL);                 // beyond rel32: the block encoder rewrites it
        a.ret();
        var e = Assert.Throws<InvalidOperationException>(
            () => CodeRegion.Assemble(a, new Dictionary<string, Label> { ["f"] = f, ["far"] = far }));
        Assert.Contains("'far' is on an instruction the block encoder rewrote", e.Message);
    }
}
