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

    /// <summary>The whole default region as emitted before stub options existed (every branch and RIP-relative operand
    /// in it is intra-region, so the bytes do not depend on where the region lands).</summary>
    private const string DefaultRegionHex =
        "554889E55341544155415641574883EC08488B074883783800756C4889603848896868488D0D4E000000488948404889770848897E30488D7E38" +
        "488B5710488B0A4989D6488B27488B4720488B5718488B6F3048C7070000000048C747200000000048C747180000000048C7473000000000488B" +
        "4F08FFE14883C408415F415E415D415C5B5DC3B807000000EBEA498B5E30488B334939F67424498946404989663849896E68894B18488B663848" +
        "8B6E6848C746380000000089C8FF6640B900000000EBE1554889E54889F24889FE4C89F74D8B5E304D8B134D39D6743D4D3B73080F85E8000000" +
        "4989663849896E68488D0D0E00000049894E40498B62384883E4F0FFD0498B663849C746380000000049C74668000000005DC34883E4F0FFD048" +
        "89EC5DC390488D05A2000000B903000000E956FFFFFF488D442408488907488B04244889470848C747200000000048896F3048837F180075754C" +
        "897710C3498946404989663849896E68498B4E304889790848894F30488D7F38E9B9FEFFFF498B5E30488B334939F67439488B44240848894348" +
        "488D442410488943404C897350488B042449894640488D4424084989463849896E6849895650B905000000E9E0FEFFFFB906000000E9D6FEFFFF" +
        "488D05F9FFFFFFB908000000E9ADFEFFFF";

    [Fact]
    public void The_default_stub_set_is_byte_for_byte_the_stubs_without_options()
    {
        Assert.Same(StubSet.Shared, StubSet.Get(StubOptions.None));
        Assert.Equal(StubOptions.None, StubSet.Shared.Options);
        Assert.False(StubSet.Shared.ShadowsSched);
        Assert.Equal(DefaultRegionHex, Convert.ToHexString(StubSet.Shared.Region.Code()));
    }

    [Fact]
    public void Each_distinct_options_value_is_emitted_once_into_a_region_of_its_own()
    {
        var shadow = StubSet.Get(StubOptions.ShadowSched);
        Assert.Same(shadow, StubSet.Get(StubOptions.ShadowSched));
        Assert.NotSame(StubSet.Shared, shadow);
        Assert.NotEqual(StubSet.Shared.Region.Base, shadow.Region.Base);
        Assert.True(shadow.ShadowsSched);
        Assert.Equal(StubOptions.ShadowSched, shadow.Options);
        Assert.Throws<ArgumentOutOfRangeException>(() => StubSet.Get((StubOptions)(1 << 30)));
    }

    /// <summary>shadowsched (Native/Amd64/ShadowSched.cs) with the given M and scratch registers: 7 loads and 7 stores in
    /// gobuf order.</summary>
    private static string[] ShadowCopy(string m, string scratch) =>
        new[] { GobufLayout.Sp, GobufLayout.Pc, GobufLayout.G, GobufLayout.Ctxt, GobufLayout.Ret, GobufLayout.Lr, GobufLayout.Bp }
            .SelectMany(f => new[] { $"mov {scratch},{Mem("r14", GLayout.Sched + f)}", $"mov {Mem(m, MLayout.ShadowSched + f)},{scratch}" })
            .ToArray();

    /// <summary>What a stub decodes to with ShadowSched: the copy right after the check that the g may switch (not g0;
    /// for systemstack, m.curg), before anything is saved; every other stub unchanged.</summary>
    public static string[] ExpectedWithShadow(string stub)
    {
        var expected = Expected[stub].ToList();
        var (after, m, scratch) = stub switch
        {
            "mcall" => ("je mcall_bad", "rbx", "rdx"),
            "systemstack" => ("jne badmcall", "r11", "rcx"),
            "morestack" => ("je morestack_g0", "rbx", "rax"),
            _ => ("", "", ""),
        };
        if (after.Length > 0)
        {
            expected.InsertRange(expected.IndexOf(after) + 1, ShadowCopy(m, scratch));
        }

        return [.. expected];
    }

    [Theory]
    [MemberData(nameof(StubNames))]
    public void With_ShadowSched_each_switch_copies_the_running_sched_before_it_saves(string stub)
    {
        var actual = Disassembler.Stub(stub, StubSet.Get(StubOptions.ShadowSched));
        output.WriteLine(string.Join("\n", actual));
        Assert.Equal(ExpectedWithShadow(stub), actual);
    }

    public static TheoryData<string> StubMutants()
    {
        var data = new TheoryData<string>();
        foreach (var o in new[] { StubOptions.GogoKeepsSp, StubOptions.GogoKeepsRet, StubOptions.GogoKeepsCtxt, StubOptions.GogoKeepsBp, StubOptions.SystemstackKeepsSp })
        {
            data.Add(o.ToString());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(StubMutants))]
    public void A_stub_mutant_drops_exactly_its_clear_and_only_a_diagnostic_build_emits_one(string name)
    {
        var option = Enum.Parse<StubOptions>(name);
        if (!StubSet.DiagnosticBuild)
        {
            Assert.Throws<InvalidOperationException>(() => StubSet.Get(option));
            return;
        }

        var (stub, dropped) = option switch
        {
            StubOptions.GogoKeepsSp => ("gogo", $"mov {Q("rdi", GobufLayout.Sp)},0"),
            StubOptions.GogoKeepsRet => ("gogo", $"mov {Q("rdi", GobufLayout.Ret)},0"),
            StubOptions.GogoKeepsCtxt => ("gogo", $"mov {Q("rdi", GobufLayout.Ctxt)},0"),
            StubOptions.GogoKeepsBp => ("gogo", $"mov {Q("rdi", GobufLayout.Bp)},0"),
            _ => ("systemstack", $"mov {Q("r14", GLayout.SchedSp)},0"),
        };
        var set = StubSet.Get(option | StubOptions.ShadowSched);
        foreach (var name2 in StubSet.Order)
        {
            var expected = ExpectedWithShadow(name2).ToList();
            if (name2 == stub)
            {
                Assert.Equal(1, expected.Count(x => x == dropped));
                expected.Remove(dropped);
            }

            Assert.Equal(expected, Disassembler.Stub(name2, set));
        }
    }
}

/// <summary>Decodes stubs with Iced and formats them NASM-style, decimal numbers, label names for branch targets.</summary>
public static unsafe class Disassembler
{
    public static List<string> Stub(string name, StubSet? set = null)
    {
        var stubs = set ?? StubSet.Shared;
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
