using Iced.Intel;
using Model.Workload;
using Native.Compiler;

namespace Implementation.Tests;

/// <summary>The workload compiler (Native/Compiler): symbol table and emitted instruction shapes.</summary>
public class CompilerTests
{
    private const string Text = """
        main {
          go w
          yield
          repeat 3 { acquire s; call 256 { yield; exit } }
          syscall 10
          work 5
          release s
        }
        w { }
        """;

    private static CompiledWorkload Compile(string text) => WorkloadCompiler.Compile(WorkloadParser.Parse(text), Sched.Services);

    [Fact]
    public void Every_yield_point_has_a_resume_pc_that_maps_back_to_its_op()
    {
        using var c = Compile(Text);
        // yield (op 1), acquire (op 3, park), the inner yield (op 5), exit (op 6), syscall (op 7, slow path).
        var points = c.ResumePoints.Values.Select(p => p.ToString()).OrderBy(s => s).ToList();
        Assert.Equal(["0.1", "0.3", "0.5", "0.6", "0.7"], points);
        foreach (var (pc, point) in c.ResumePoints) Assert.Equal(point, c.PointAt(pc));
        Assert.Equal(2, c.BodyEntries.Length);
        Assert.NotEqual(c.BodyEntries[0], c.BodyEntries[1]);
        Assert.Equal(1, c.BodyAtEntry(c.BodyEntries[1]));
        Assert.Null(c.PointAt(c.CodeStart - 1));
        Assert.Equal(["s"], c.Semaphores);
    }

    [Fact]
    public void A_body_starts_with_the_stack_check_and_a_frame_pointer_and_yields_by_jumping_to_mcall()
    {
        using var c = Compile("main { yield }");
        var code = c.Code();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code), (ulong)c.CodeStart);
        var ins = new List<Instruction>();
        while (decoder.IP < (ulong)c.CodeStart + (ulong)code.Length) ins.Add(decoder.Decode());
        Assert.Equal(Mnemonic.Cmp, ins[0].Mnemonic);     // cmp rsp,[r14+stackguard0]
        Assert.Equal(Register.RSP, ins[0].Op0Register);
        Assert.Equal(Register.R14, ins[0].MemoryBase);
        Assert.Equal(Mnemonic.Jbe, ins[1].Mnemonic);     // → morestack_call
        Assert.Equal(Mnemonic.Push, ins[2].Mnemonic);    // push rbp
        Assert.Equal(Mnemonic.Mov, ins[3].Mnemonic);     // mov rbp,rsp
        var lea = ins.FindIndex(i => i.Mnemonic == Mnemonic.Lea && i.Op0Register == Register.RAX);
        Assert.True(lea > 0);
        Assert.Equal(Register.ECX, ins[lea + 1].Op0Register);          // mov ecx,Gosched
        Assert.Equal((uint)McallReason.Gosched, ins[lea + 1].Immediate32);
        Assert.Equal(Mnemonic.Jmp, ins[lea + 3].Mnemonic);             // jmp r11 (mcall): no CALL, rule 12
        Assert.Equal((ulong)c.ResumePoints.Keys.Single(), ins[lea].IPRelativeMemoryAddress); // lea rax,[resume]
    }

    [Fact]
    public void A_workload_with_an_unknown_body_is_refused()
    {
        var w = new Workload([new Body("main", new Block([new GoOp("ghost")]))]);
        Assert.Throws<ArgumentException>(() => WorkloadCompiler.Compile(w, Sched.Services));
    }
}
