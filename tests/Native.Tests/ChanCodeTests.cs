using Iced.Intel;
using Model.Workload;
using Native.Compiler;
using Native.Layout;

namespace Native.Tests;

/// <summary>The workload compiler's channel sequences (send, recv, close, select), decoded: the value built from
/// g.sendSeq and the goid into the send slot, the service calls through systemstack with a1 = the send slot, the park
/// and the woken tail, and select's dispatch on the returned case index. The services are fake addresses: nothing
/// here runs.</summary>
public class ChanCodeTests
{
    private static readonly RuntimeServices Fake = new(0x1000, 0x1100, 0x1200, 0x1300, 0x1400,
        ChanSend: 0x2000, ChanRecv: 0x2100, ChanClose: 0x2200, ChanWoken: 0x2300, Select: 0x2400, SelectWoken: 0x2500);

    private static (CompiledWorkload Code, List<Instruction> Ins) Compile(string text)
    {
        var c = WorkloadCompiler.Compile(WorkloadParser.Parse(text), Fake);
        var bytes = c.Code();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes), (ulong)c.CodeStart);
        var ins = new List<Instruction>();
        while (decoder.IP < (ulong)c.CodeStart + (ulong)bytes.Length) ins.Add(decoder.Decode());
        return (c, ins);
    }

    /// <summary>The index of <c>mov rax,imm64</c> loading <paramref name="fn"/>.</summary>
    private static int ServiceCall(List<Instruction> ins, nint fn, int from = 0)
        => ins.FindIndex(from, i => i.Mnemonic == Mnemonic.Mov && i.Op0Register == Register.RAX && i.Op1Kind == OpKind.Immediate64
            && i.Immediate64 == (ulong)fn);

    private static void AssertCallTail(List<Instruction> ins, int movRax)
    {
        Assert.Equal(Register.R11, ins[movRax + 1].Op0Register);                   // mov r11,systemstack
        Assert.Equal(Mnemonic.Call, ins[movRax + 2].Mnemonic);                    // call r11
        Assert.Equal(Mnemonic.Test, ins[movRax + 3].Mnemonic);                    // test rax,rax
        Assert.Equal(Mnemonic.Js, ins[movRax + 4].Mnemonic);                      // js fatal
    }

    private static void AssertSlotArg(List<Instruction> ins, int movRax, int slot, int a0)
    {
        Assert.Equal(Mnemonic.Mov, ins[movRax - 2].Mnemonic);                     // mov edi,a0
        Assert.Equal(Register.EDI, ins[movRax - 2].Op0Register);
        Assert.Equal((uint)a0, ins[movRax - 2].Immediate32);
        Assert.Equal(Mnemonic.Lea, ins[movRax - 1].Mnemonic);                     // lea rsi,[rbp-slot]
        Assert.Equal(Register.RSI, ins[movRax - 1].Op0Register);
        Assert.Equal(Register.RBP, ins[movRax - 1].MemoryBase);
        Assert.Equal(-slot, (long)ins[movRax - 1].MemoryDisplacement64);
    }

    private static void AssertPark(List<Instruction> ins, int at, CompiledWorkload c, ProgramPoint point)
    {
        Assert.Equal(Mnemonic.Lea, ins[at].Mnemonic);                             // lea rax,[woken]
        Assert.Equal(Register.RAX, ins[at].Op0Register);
        Assert.Equal((uint)McallReason.Park, ins[at + 1].Immediate32);             // mov ecx,Park
        Assert.Equal(Mnemonic.Jmp, ins[at + 3].Mnemonic);                         // jmp r11 (mcall)
        Assert.Equal(Mnemonic.Nop, ins[at + 4].Mnemonic);                         // woken: nop
        Assert.Equal(ins[at].IPRelativeMemoryAddress, ins[at + 4].IP);
        Assert.Equal(point, c.ResumePoints[(nint)ins[at + 4].IP]);
        Assert.Equal(point, c.PointAt((nint)ins[at + 4].IP));
    }

    [Fact]
    public void A_send_builds_its_value_in_the_send_slot_calls_chansend_and_parks_into_chanwoken()
    {
        var (c, ins) = Compile("chan c 0\nchan d 2\nmain { repeat 2 { send d } }");
        using var _ = c;
        var main = c.Workload.Main.Ops;
        var slot = FrameAbi.SendSlotOffset(main);
        Assert.Equal(24, slot); // under the one repeat counter
        var call = ServiceCall(ins, Fake.ChanSend);
        Assert.True(call > 5);
        AssertSlotArg(ins, call, slot, a0: 1);
        // inc qword [r14+sendSeq] ; mov rax,[r14+goid] ; shl rax,32 ; add rax,[r14+sendSeq] ; mov [rbp-slot],rax
        var v = call - 7;
        Assert.Equal(Mnemonic.Inc, ins[v].Mnemonic);
        Assert.Equal(Register.R14, ins[v].MemoryBase);
        Assert.Equal((ulong)GLayout.SendSeq, ins[v].MemoryDisplacement64);
        Assert.Equal((ulong)GLayout.Goid, ins[v + 1].MemoryDisplacement64);
        Assert.Equal(Mnemonic.Shl, ins[v + 2].Mnemonic);
        Assert.Equal(32, ins[v + 2].Immediate8);
        Assert.Equal(Mnemonic.Add, ins[v + 3].Mnemonic);
        Assert.Equal((ulong)GLayout.SendSeq, ins[v + 3].MemoryDisplacement64);
        Assert.Equal(Mnemonic.Mov, ins[v + 4].Mnemonic);
        Assert.Equal(Register.RBP, ins[v + 4].MemoryBase);
        Assert.Equal(-slot, (long)ins[v + 4].MemoryDisplacement64);
        // The send op's first instruction is its marker.
        var send = main[0].Nested![0];
        Assert.Equal(send.Point, c.PointAt((nint)ins[v].IP));
        AssertCallTail(ins, call);
        Assert.Equal(Mnemonic.Je, ins[call + 5].Mnemonic);                        // jz done
        AssertPark(ins, call + 6, c, send.Point);
        var woken = ServiceCall(ins, Fake.ChanWoken);
        Assert.Equal(call + 13, woken);
        AssertSlotArg(ins, woken, slot, a0: 1);
        AssertCallTail(ins, woken);
        Assert.Equal(ins[call + 5].NearBranchTarget, ins[woken + 5].IP);           // done: nop
    }

    [Fact]
    public void A_recv_passes_the_send_slot_without_a_value_and_close_passes_none()
    {
        var (c, ins) = Compile("chan c 0\nmain { recv c; close c }");
        using var _ = c;
        var slot = FrameAbi.SendSlotOffset(c.Workload.Main.Ops);
        var call = ServiceCall(ins, Fake.ChanRecv);
        AssertSlotArg(ins, call, slot, a0: 0);
        Assert.DoesNotContain(ins, i => i.Mnemonic == Mnemonic.Inc);
        AssertCallTail(ins, call);
        AssertPark(ins, call + 6, c, c.Workload.Main.Ops[0].Point);
        var close = ServiceCall(ins, Fake.ChanClose);
        Assert.Equal(Mnemonic.Xor, ins[close - 1].Mnemonic);                      // xor esi,esi
        Assert.Equal(Register.ESI, ins[close - 1].Op0Register);
        Assert.Equal(0u, ins[close - 2].Immediate32);
        AssertCallTail(ins, close);
        Assert.Equal(c.Workload.Main.Ops[1].Point, c.PointAt((nint)ins[close - 2].IP));
    }

    [Fact]
    public void A_select_dispatches_on_the_case_index_after_selectgo_or_its_pass_3()
    {
        const string text = """
            chan c 0
            chan d 0
            main {
              select { send c { yield }; recv d }
              select { recv d; default { } }
            }
            x { select { recv c } }
            """;
        var (c, ins) = Compile(text);
        using var _ = c;
        Assert.Equal(3, c.Selects.Length);
        Assert.Equal([0, 0, 1], c.Selects.Select(s => s.Point.Body));
        var main = c.Workload.Main.Ops;
        var slot = FrameAbi.SendSlotOffset(main);
        // Select 0 sends: its value first; select 1 does not.
        var first = ServiceCall(ins, Fake.Select);
        AssertSlotArg(ins, first, slot, a0: 0);
        Assert.Equal(Mnemonic.Inc, ins[first - 7].Mnemonic);
        Assert.Equal(main[0].Point, c.PointAt((nint)ins[first - 7].IP));
        AssertCallTail(ins, first);
        Assert.Equal(Mnemonic.Cmp, ins[first + 5].Mnemonic);                      // cmp rax,SelectParks
        Assert.Equal(RuntimeServices.SelectParks, ins[first + 5].Immediate32to64);
        Assert.Equal(Mnemonic.Jne, ins[first + 6].Mnemonic);                      // jne dispatch
        AssertPark(ins, first + 7, c, main[0].Point);
        var woken = ServiceCall(ins, Fake.SelectWoken);
        Assert.Equal(first + 14, woken);
        AssertSlotArg(ins, woken, slot, a0: 0);
        AssertCallTail(ins, woken);
        // dispatch: cmp rax,0 ; je case0 ; cmp rax,1 ; je case1 ; jmp fatal
        var d = woken + 5;
        Assert.Equal(ins[first + 6].NearBranchTarget, ins[d].IP);
        var cases = ((SelectOp)main[0]).CaseOps.ToArray();
        for (var k = 0; k < 2; k++)
        {
            Assert.Equal(Mnemonic.Cmp, ins[d + 2 * k].Mnemonic);
            Assert.Equal(k, ins[d + 2 * k].Immediate32to64);
            Assert.Equal(Mnemonic.Je, ins[d + 2 * k + 1].Mnemonic);
            var target = ins.FindIndex(i => i.IP == ins[d + 2 * k + 1].NearBranchTarget);
            Assert.Equal(Mnemonic.Nop, ins[target].Mnemonic);
            Assert.Equal(cases[k].Point, c.PointAt((nint)ins[target].IP));
        }
        Assert.Equal(Mnemonic.Jmp, ins[d + 4].Mnemonic);
        // Case 0's block (a yield) ends with a jump past case 1.
        var yieldLea = ins.FindIndex(d, i => i.Mnemonic == Mnemonic.Lea && i.Op0Register == Register.RAX);
        Assert.Equal(cases[0].Body[0].Point, c.PointAt((nint)ins[yieldLea].IP));
        // Select 1 has no send: no value; select 2 (in x) is number 2.
        var second = ServiceCall(ins, Fake.Select, first + 1);
        AssertSlotArg(ins, second, slot, a0: 1);
        Assert.NotEqual(Mnemonic.Inc, ins[second - 7].Mnemonic);
        var third = ServiceCall(ins, Fake.Select, second + 1);
        AssertSlotArg(ins, third, FrameAbi.SendSlotOffset(c.Workload["x"].Ops), a0: 2);
    }
}
