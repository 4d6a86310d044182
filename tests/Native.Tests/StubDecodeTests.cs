using Iced.Intel;
using Native.Layout;
using Xunit.Abstractions;

namespace Native.Tests;

/// <summary>Each stub decodes to exactly the instruction sequence its header documents (Iced's emit/decode/compare).
/// Operands are written with the layout constants so a layout change shows up here too; branch targets print as
/// stub/label names.</summary>
public class StubDecodeTests(ITestOutputHelper output)
{
    private static string Mem(string reg, int off) => off == 0 ? $"[{reg}]" : $"[{reg}+{off}]";

    private static string Q(string reg, int off) => "qword " + Mem(reg, off);

    public static readonly Dictionary<string, string[]> Expected = new()
    {
        ["entry"] =
        [
            "push rbp", "mov rbp,rsp", "push rbx", "push r12", "push r13", "push r14", "push r15", "sub rsp,8",
            $"mov rax,{Mem("rdi", MLayout.G0)}",
            $"cmp {Q("rax", GLayout.SchedSp)},0",
            "jne entry_reentered",
            $"mov {Mem("rax", GLayout.SchedSp)},rsp",
            $"mov {Mem("rax", GLayout.SchedBp)},rbp",
            "lea rcx,[entry_ret]",
            $"mov {Mem("rax", GLayout.SchedPc)},rcx",
            $"mov {Mem("rdi", MLayout.CurG)},rsi",
            $"mov {Mem("rsi", GLayout.M)},rdi",
            $"lea rdi,{Mem("rsi", GLayout.Sched)}",
        ],
        ["gogo"] =
        [
            $"mov rdx,{Mem("rdi", GobufLayout.G)}",
            "mov rcx,[rdx]",
            "mov r14,rdx",
            $"mov rsp,{Mem("rdi", GobufLayout.Sp)}",
            $"mov rax,{Mem("rdi", GobufLayout.Ret)}",
            $"mov rdx,{Mem("rdi", GobufLayout.Ctxt)}",
            $"mov rbp,{Mem("rdi", GobufLayout.Bp)}",
            $"mov {Q("rdi", GobufLayout.Sp)},0",
            $"mov {Q("rdi", GobufLayout.Ret)},0",
            $"mov {Q("rdi", GobufLayout.Ctxt)},0",
            $"mov {Q("rdi", GobufLayout.Bp)},0",
            $"mov rcx,{Mem("rdi", GobufLayout.Pc)}",
            "jmp rcx",
        ],
        ["entry_ret"] =
        [
            "add rsp,8", "pop r15", "pop r14", "pop r13", "pop r12", "pop rbx", "pop rbp", "ret",
            $"mov eax,{(int)McallReason.Reentered}", "jmp entry_ret",
        ],
        ["mcall"] =
        [
            $"mov rbx,{Mem("r14", GLayout.M)}",
            $"mov rsi,{Mem("rbx", MLayout.G0)}",
            "cmp r14,rsi",
            "je mcall_bad",
            $"mov {Mem("r14", GLayout.SchedPc)},rax",
            $"mov {Mem("r14", GLayout.SchedSp)},rsp",
            $"mov {Mem("r14", GLayout.SchedBp)},rbp",
            $"mov {Mem("rbx", MLayout.Reason)},ecx",
            $"mov rsp,{Mem("rsi", GLayout.SchedSp)}",
            $"mov rbp,{Mem("rsi", GLayout.SchedBp)}",
            $"mov {Q("rsi", GLayout.SchedSp)},0",
            "mov eax,ecx",
            $"jmp {Q("rsi", GLayout.SchedPc)}",
            $"mov ecx,{(int)McallReason.Bad}",
            "jmp mcall_g0",
        ],
        ["systemstack"] =
        [
            "push rbp", "mov rbp,rsp", "mov rdx,rsi", "mov rsi,rdi", "mov rdi,r14",
            $"mov r11,{Mem("r14", GLayout.M)}",
            $"mov r10,{Mem("r11", MLayout.G0)}",
            "cmp r14,r10",
            "je systemstack_noswitch",
            $"cmp r14,{Mem("r11", MLayout.CurG)}",
            "jne badmcall",
            $"mov {Mem("r14", GLayout.SchedSp)},rsp",
            $"mov {Mem("r14", GLayout.SchedBp)},rbp",
            "lea rcx,[systemstack_ret]",
            $"mov {Mem("r14", GLayout.SchedPc)},rcx",
            $"mov rsp,{Mem("r10", GLayout.SchedSp)}",
            "and rsp,-16",
            "call rax",
            $"mov rsp,{Mem("r14", GLayout.SchedSp)}",
            $"mov {Q("r14", GLayout.SchedSp)},0",
            $"mov {Q("r14", GLayout.SchedBp)},0",
            "pop rbp", "ret",
            "and rsp,-16", "call rax", "mov rsp,rbp", "pop rbp", "ret",
        ],
        ["goexit"] = ["nop", "lea rax,[badmcall]", $"mov ecx,{(int)McallReason.Exit}", "jmp mcall"],
        ["gosave"] =
        [
            "lea rax,[rsp+8]",
            $"mov {Mem("rdi", GobufLayout.Sp)},rax",
            "mov rax,[rsp]",
            $"mov {Mem("rdi", GobufLayout.Pc)},rax",
            $"mov {Q("rdi", GobufLayout.Ret)},0",
            $"mov {Mem("rdi", GobufLayout.Bp)},rbp",
            $"cmp {Q("rdi", GobufLayout.Ctxt)},0",
            "jne badmcall",
            $"mov {Mem("rdi", GobufLayout.G)},r14",
            "ret",
        ],
        ["switch_to"] =
        [
            $"mov {Mem("r14", GLayout.SchedPc)},rax",
            $"mov {Mem("r14", GLayout.SchedSp)},rsp",
            $"mov {Mem("r14", GLayout.SchedBp)},rbp",
            $"mov rcx,{Mem("r14", GLayout.M)}",
            $"mov {Mem("rcx", MLayout.CurG)},rdi",
            $"mov {Mem("rdi", GLayout.M)},rcx",
            $"lea rdi,{Mem("rdi", GLayout.Sched)}",
            "jmp gogo",
        ],
        ["morestack"] =
        [
            $"mov rbx,{Mem("r14", GLayout.M)}",
            $"mov rsi,{Mem("rbx", MLayout.G0)}",
            "cmp r14,rsi",
            "je morestack_g0",
            "mov rax,[rsp+8]",
            $"mov {Mem("rbx", MLayout.MorebufPc)},rax",
            "lea rax,[rsp+16]",
            $"mov {Mem("rbx", MLayout.MorebufSp)},rax",
            $"mov {Mem("rbx", MLayout.MorebufG)},r14",
            "mov rax,[rsp]",
            $"mov {Mem("r14", GLayout.SchedPc)},rax",
            "lea rax,[rsp+8]",
            $"mov {Mem("r14", GLayout.SchedSp)},rax",
            $"mov {Mem("r14", GLayout.SchedBp)},rbp",
            $"mov {Mem("r14", GLayout.SchedCtxt)},rdx",
            $"mov ecx,{(int)McallReason.Morestack}",
            "jmp mcall_g0",
            $"mov ecx,{(int)McallReason.BadMorestackG0}",
            "jmp mcall_g0",
        ],
        ["badmcall"] = ["lea rax,[badmcall]", $"mov ecx,{(int)McallReason.BadResume}", "jmp mcall"],
    };

    public static IEnumerable<object[]> StubNames() => StubSet.Order.Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(StubNames))]
    public void Stub_decodes_to_its_documented_sequence(string stub)
    {
        var actual = Disassembler.Stub(stub);
        output.WriteLine(string.Join("\n", actual));
        Assert.Equal(Expected[stub], actual);
    }

    [Fact]
    public void Every_stub_has_an_expected_sequence_and_the_region_holds_nothing_else()
    {
        Assert.Equal(StubSet.Order.OrderBy(x => x), Expected.Keys.OrderBy(x => x));
        var total = StubSet.Shared.Stubs.Sum(s => s.Length);
        Assert.Equal(StubSet.Shared.Region.Length, total);
    }
}

/// <summary>Decodes stubs with Iced and formats them NASM-style, decimal numbers, label names for branch targets.</summary>
public static unsafe class Disassembler
{
    public static List<string> Stub(string name)
    {
        var stubs = StubSet.Shared;
        var (_, start, length) = stubs.Stubs.Single(s => s.Name == name);
        var bytes = new ReadOnlySpan<byte>((void*)start, length).ToArray();
        return Decode(bytes, (ulong)start, stubs.Region.Labels);
    }

    public static List<string> Decode(byte[] bytes, ulong ip, IReadOnlyDictionary<string, nint> symbols)
    {
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(bytes), ip);
        var names = new Dictionary<ulong, string>();
        foreach (var (n, a) in symbols)
        {
            // Prefer the stub's own name over a sub-label at the same address.
            if (!names.ContainsKey((ulong)a) || StubSet.Order.Contains(n))
            {
                names[(ulong)a] = n;
            }
        }

        var formatter = new NasmFormatter(new Resolver(names));
        formatter.Options.NumberBase = NumberBase.Decimal;
        formatter.Options.ShowSymbolAddress = false;
        formatter.Options.ShowBranchSize = false;
        formatter.Options.SignedImmediateOperands = true;
        var lines = new List<string>();
        var sb = new StringOutput();
        var slots = new HashSet<ulong>();
        while (decoder.IP < ip + (ulong)bytes.Length)
        {
            if (slots.Contains(decoder.IP))
            {
                // A qword the block encoder appended for a far branch (see below): data, not code.
                var next = decoder.IP + 8;
                var at = (int)(next - ip);
                decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(bytes, at, bytes.Length - at), next);
                continue;
            }

            decoder.Decode(out var ins);
            if (ins.IsInvalid)
            {
                throw new InvalidOperationException($"invalid instruction at {ins.IP:x}");
            }

            if (ins.Code == Code.Int3 && slots.Any(sl => sl > ins.IP && bytes.AsSpan((int)(ins.IP - ip), (int)(sl - ins.IP)).IndexOfAnyExcept((byte)0xCC) < 0))
            {
                continue;                                   // alignment padding before a slot
            }

            // When the target is out of rel32 range, Iced encodes call/jmp to an absolute address as
            // "call/jmp [rip+slot]" with the target in a trailing qword. Print it as the direct branch it stands for.
            if (ins.IsIPRelativeMemoryOperand && ins.FlowControl is FlowControl.IndirectCall or FlowControl.IndirectBranch)
            {
                var slot = ins.IPRelativeMemoryAddress;
                var offset = (long)(slot - ip);
                if (offset >= 0 && offset + 8 <= bytes.Length)
                {
                    var target = BitConverter.ToUInt64(bytes, (int)offset);
                    slots.Add(slot);
                    var mnemonic = ins.FlowControl == FlowControl.IndirectCall ? "call" : "jmp";
                    lines.Add(names.TryGetValue(target, out var n) ? $"{mnemonic} {n}" : $"{mnemonic} 0x{target:x}");
                    continue;
                }
            }

            formatter.Format(ins, sb);
            lines.Add(sb.ToStringAndReset().Replace("[rel ", "[", StringComparison.Ordinal)); // NASM's RIP-relative marker
        }

        return lines;
    }

    private sealed class Resolver(Dictionary<ulong, string> names) : ISymbolResolver
    {
        public bool TryGetSymbol(in Instruction instruction, int operand, int instructionOperand, ulong address, int addressSize, out SymbolResult symbol)
        {
            if (names.TryGetValue(address, out var n))
            {
                symbol = new SymbolResult(address, n);
                return true;
            }

            symbol = default;
            return false;
        }
    }
}
