using System.Collections;
using System.Collections.Immutable;

namespace Model.Workload;

/// <summary>
/// Where an op or body starts in its source text (1-based). Positions are for messages only:
/// they never take part in equality, so a parsed workload equals one built in code or re-parsed
/// from its printed form.
/// </summary>
public readonly struct SourcePos : IEquatable<SourcePos>
{
    public SourcePos(int line, int column) { Line = line; Column = column; }
    public int Line { get; }
    public int Column { get; }
    public bool IsKnown => Line > 0;
    public bool Equals(SourcePos other) => true;
    public override bool Equals(object? obj) => obj is SourcePos;
    public override int GetHashCode() => 0;
    public override string ToString() => IsKnown ? $"{Line}:{Column}" : "?";
}

/// <summary>A goroutine body or a nested block: a sequence of ops with value equality.</summary>
public sealed class Block : IReadOnlyList<Op>, IEquatable<Block>
{
    public static readonly Block Empty = new(ImmutableArray<Op>.Empty);
    public Block(ImmutableArray<Op> ops) => Ops = ops.IsDefault ? ImmutableArray<Op>.Empty : ops;
    public Block(IEnumerable<Op> ops) : this(ops.ToImmutableArray()) { }
    public ImmutableArray<Op> Ops { get; }
    public int Count => Ops.Length;
    public Op this[int index] => Ops[index];
    public IEnumerator<Op> GetEnumerator() => ((IEnumerable<Op>)Ops).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public bool Equals(Block? other) => other is not null && Ops.SequenceEqual(other.Ops);
    public override bool Equals(object? obj) => Equals(obj as Block);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var op in Ops) h.Add(op);
        return h.ToHashCode();
    }
}

/// <summary>One operation of the workload language (see ARCHITECTURE.md, "The workload language").</summary>
public abstract record Op
{
    /// <summary>Where the op starts in the source; unknown for ops built in code.</summary>
    public SourcePos Pos { get; init; }
}

/// <summary><c>go NAME</c>: <c>go f()</c>, newproc on the system stack.</summary>
public sealed record GoOp(string Body) : Op;
/// <summary><c>yield</c>: runtime.Gosched, mcall(gosched_m).</summary>
public sealed record YieldOp : Op;
/// <summary><c>acquire S</c>: semacquire; parks when the count is 0.</summary>
public sealed record AcquireOp(string Sema) : Op;
/// <summary><c>release S</c>: semrelease; readies the longest waiter (FIFO) or counts up.</summary>
public sealed record ReleaseOp(string Sema) : Op;
/// <summary><c>syscall N</c>: entersyscall, a blocking call of about N microseconds, exitsyscall.</summary>
public sealed record SyscallOp(int Micros) : Op;
/// <summary><c>work N</c>: N iterations of pure computation.</summary>
public sealed record WorkOp(int Iterations) : Op;
/// <summary><c>call BYTES { ... }</c>: a real frame of BYTES bytes; the block runs one frame deeper.</summary>
public sealed record CallOp(int FrameBytes, Block Body) : Op;
/// <summary><c>repeat N { ... }</c>: a loop.</summary>
public sealed record RepeatOp(int Count, Block Body) : Op;
/// <summary><c>exit</c>: runtime.Goexit from any depth.</summary>
public sealed record ExitOp : Op;

/// <summary>A named goroutine body.</summary>
public sealed record Body(string Name, Block Ops)
{
    public SourcePos Pos { get; init; }
}

/// <summary>
/// A workload: named goroutine bodies; execution starts with <c>main</c>. Bodies keep their source order,
/// and <see cref="BodyIndex"/> is the index every side uses to name a body.
/// </summary>
public sealed class Workload : IEquatable<Workload>
{
    public const string MainBody = "main";

    public Workload(ImmutableArray<Body> bodies)
    {
        Bodies = bodies;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < bodies.Length; i++) index.TryAdd(bodies[i].Name, i);
        _index = index;
    }

    public Workload(IEnumerable<Body> bodies) : this(bodies.ToImmutableArray()) { }

    private readonly Dictionary<string, int> _index;

    public ImmutableArray<Body> Bodies { get; }

    /// <summary>Index of the body named <paramref name="name"/>, or -1.</summary>
    public int BodyIndex(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    public Body this[string name] => Bodies[BodyIndex(name) is var i and >= 0 ? i : throw new KeyNotFoundException($"no body named '{name}'")];

    public Body Main => this[MainBody];

    /// <summary>Semaphore names in order of first appearance.</summary>
    public IReadOnlyList<string> Semaphores()
    {
        var names = new List<string>();
        void Walk(Block b)
        {
            foreach (var op in b)
            {
                switch (op)
                {
                    case AcquireOp a when !names.Contains(a.Sema): names.Add(a.Sema); break;
                    case ReleaseOp r when !names.Contains(r.Sema): names.Add(r.Sema); break;
                    case CallOp c: Walk(c.Body); break;
                    case RepeatOp r: Walk(r.Body); break;
                }
            }
        }
        foreach (var body in Bodies) Walk(body.Ops);
        return names;
    }

    public bool Equals(Workload? other) => other is not null && Bodies.SequenceEqual(other.Bodies);
    public override bool Equals(object? obj) => Equals(obj as Workload);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var b in Bodies) h.Add(b);
        return h.ToHashCode();
    }

    public override string ToString() => WorkloadPrinter.Print(this);
}
