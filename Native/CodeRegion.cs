using Iced.Intel;
using Native.Posix;

namespace Native;

/// <summary>
/// Executable memory holding one assembled block (native-notes rule 10, W^X): map read-write, assemble at the region's
/// real address (so rel32 branches and RIP-relative operands are right), check that every label used is bound, copy,
/// then mprotect read-execute. The pages are never writable and executable at once; to add code, make a new region.
/// </summary>
public sealed unsafe class CodeRegion : IDisposable
{
    private readonly Dictionary<string, nint> _labels;
    private nint _base;
    private readonly nuint _mapped;

    private CodeRegion(nint @base, nuint mapped, int length, Dictionary<string, nint> labels)
    {
        _base = @base;
        _mapped = mapped;
        Length = length;
        _labels = labels;
    }

    /// <summary>Address of the first byte of code.</summary>
    public nint Base => _base;

    /// <summary>Number of code bytes.</summary>
    public int Length { get; }

    /// <summary>Addresses of the exported labels, by name.</summary>
    public IReadOnlyDictionary<string, nint> Labels => _labels;

    /// <summary>The address of an exported label; throws KeyNotFoundException naming the label if it was not exported.</summary>
    public nint this[string label] => _labels.TryGetValue(label, out var a)
        ? a
        : throw new KeyNotFoundException($"CodeRegion: no exported label '{label}'; pass it to CodeRegion.Assemble");

    /// <summary>A copy of the code bytes (for decoding in tests and dumps).</summary>
    public byte[] Code() => new ReadOnlySpan<byte>((void*)_base, Length).ToArray();

    /// <summary>
    /// Assembles <paramref name="a"/> into a new executable region and returns it with the addresses of
    /// <paramref name="exports"/>. Pass labels only after binding them (Iced's Label is a mutable struct: a copy taken
    /// before <c>a.Label(ref l)</c> stays unbound). Throws InvalidOperationException if any branch or RIP-relative
    /// operand in the block refers to a label that was never bound (Iced would otherwise encode a jump to about 0).
    /// </summary>
    public static CodeRegion Assemble(Assembler a, IReadOnlyDictionary<string, Label>? exports = null)
    {
        CheckLabelsBound(a);
        var page = (nuint)Libc.PageSize;
        // Upper bound of the encoded size: 15 bytes per instruction, plus up to 8 bytes of qword target per
        // branch that the block encoder turns into an indirect jump when its target is out of rel32 range.
        var bound = (nuint)(a.Instructions.Count * 32 + 64);
        var mapped = (bound + page - 1) & ~(page - 1);
        var mem = MapNearPreviousRegions(mapped);
        try
        {
            var writer = new MemoryWriter();
            var result = a.Assemble(writer, (ulong)mem, BlockEncoderOptions.ReturnNewInstructionOffsets);
            var bytes = writer.ToArray();
            if ((nuint)bytes.Length > mapped)
            {
                throw new InvalidOperationException($"CodeRegion: {bytes.Length} code bytes exceed the {mapped}-byte bound");
            }

            var labels = new Dictionary<string, nint>();
            if (exports != null)
            {
                foreach (var (name, label) in exports)
                {
                    ulong rip;
                    try
                    {
                        rip = result.GetLabelRIP(label);
                    }
                    catch (Exception e) when (e is ArgumentException or ArgumentOutOfRangeException)
                    {
                        throw new InvalidOperationException($"CodeRegion: exported label '{name}' is not bound to an instruction", e);
                    }

                    // Iced reports uint.MaxValue as the offset of an instruction it rewrote (a branch whose target is
                    // beyond rel32 range becomes an indirect branch through a qword): that "address" is garbage.
                    if (rip < (ulong)mem || rip >= (ulong)mem + (ulong)bytes.Length)
                    {
                        throw new InvalidOperationException(
                            $"CodeRegion: exported label '{name}' is on an instruction the block encoder rewrote (a branch " +
                            "to a target beyond rel32 range), so it has no known address; bind the label to another " +
                            "instruction, or branch through a register or a [rip+slot] qword");
                    }

                    labels.Add(name, (nint)rip);
                }
            }

            bytes.CopyTo(new Span<byte>((void*)mem, bytes.Length));
            Libc.ProtectOrThrow(mem, mapped, Libc.ProtRead | Libc.ProtExec, "CodeRegion");
            return new CodeRegion(mem, mapped, bytes.Length, labels);
        }
        catch
        {
            Libc.Munmap(mem, mapped);
            throw;
        }
    }

    /// <summary>Where regions try to land near: the stubs (set by StubSet), else the first region mapped, else 0.</summary>
    private static nint s_anchor;

    /// <summary>Makes later regions prefer addresses near <paramref name="address"/> (StubSet passes its own).</summary>
    internal static void AnchorAt(nint address) => Volatile.Write(ref s_anchor, address);

    /// <summary>Largest distance from the anchor at which rel32 branches (±2 GiB) still reach it, with room to spare.</summary>
    private const long NearEnough = 1L << 30;

    /// <summary>
    /// Maps RW memory for code, preferring addresses within 1 GiB of the anchor (the stubs) so that branches from emitted
    /// code to the stubs encode as direct rel32 (otherwise Iced's block encoder falls back to <c>jmp/call [rip+slot]</c>,
    /// which is also correct). mmap takes the address only as a hint; a far mapping is kept if no hint works.
    /// </summary>
    private static nint MapNearPreviousRegions(nuint size)
    {
        var anchor = Volatile.Read(ref s_anchor);
        if (anchor != 0)
        {
            foreach (var below in new long[] { 64L << 20, 256L << 20, 512L << 20 })
            {
                var hint = (nint)((anchor - below) & ~(long)(Libc.PageSize - 1));
                var p = Libc.Mmap(hint, size, Libc.ProtRead | Libc.ProtWrite, Libc.MapPrivate | Libc.MapAnonymous, -1, 0);
                if (p == Libc.MapFailed)
                {
                    break;
                }

                if (Math.Abs((long)p - anchor) < NearEnough)
                {
                    return p;
                }

                Libc.Munmap(p, size);
            }
        }

        var mem = Libc.MapOrThrow(size, 0, "CodeRegion");
        Interlocked.CompareExchange(ref s_anchor, mem, 0);
        return mem;
    }

    /// <summary>
    /// Iced encodes a label as a small id in the branch target (or RIP-relative address) and the bound instruction's IP.
    /// A target that looks like a label id (below 4 GiB: code addresses from mmap are far above) but is no bound
    /// instruction's IP is an unbound label.
    /// </summary>
    private static void CheckLabelsBound(Assembler a)
    {
        var bound = new HashSet<ulong>();
        foreach (var ins in a.Instructions)
        {
            if (ins.IP != 0)
            {
                bound.Add(ins.IP);
            }
        }

        const ulong labelIdLimit = 1UL << 32;
        for (var i = 0; i < a.Instructions.Count; i++)
        {
            var ins = a.Instructions[i];
            ulong target;
            if (ins.Op0Kind is OpKind.NearBranch16 or OpKind.NearBranch32 or OpKind.NearBranch64)
            {
                target = ins.NearBranchTarget;
            }
            else if (ins.IsIPRelativeMemoryOperand)
            {
                target = ins.IPRelativeMemoryAddress;
            }
            else
            {
                continue;
            }

            if (target < labelIdLimit && !bound.Contains(target))
            {
                throw new InvalidOperationException(
                    $"CodeRegion: instruction #{i} ({ins.Mnemonic}) uses label id {target}, which was never bound; call a.Label(ref label) before assembling");
            }
        }
    }

    /// <summary>Unmaps the region.</summary>
    /// <remarks>Safety: caller guarantees no thread executes in it and no stack or gobuf still holds one of its addresses.</remarks>
    public void Dispose()
    {
        if (_base != 0)
        {
            Libc.Munmap(_base, _mapped);
            _base = 0;
        }
    }

    private sealed class MemoryWriter : CodeWriter
    {
        private readonly List<byte> _bytes = new();

        public override void WriteByte(byte value) => _bytes.Add(value);

        public byte[] ToArray() => _bytes.ToArray();
    }
}
