using System.Collections;
using System.Collections.Immutable;

namespace Model.Workload;

/// <summary>
/// Where an op or body starts in its source text (1-based). Positions are for messages only: ops and bodies leave
/// them out of their own equality (see <see cref="Op"/>), so a parsed workload equals one built in code or re-parsed
/// from its printed form.
/// </summary>
public readonly record struct SourcePos(int Line, int Column)
{
    public bool IsKnown => Line > 0;
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

/// <summary>
/// One operation of the workload language (see ARCHITECTURE.md, "The workload language"). Equality is structural
/// (the op's kind and arguments, and its nested block): <see cref="Pos"/> and <see cref="Point"/> say where the op
/// stands, not what it is, and take no part in it.
/// </summary>
public abstract record Op
{
    /// <summary>Where the op starts in the source; unknown for ops built in code.</summary>
    public SourcePos Pos { get; init; }

    /// <summary>The op's program point in its workload: assigned when the <see cref="Workload"/> is built, which
    /// numbers its own copy of every op, so no op object is shared between two places.</summary>
    public ProgramPoint Point { get; init; }

    public virtual bool Equals(Op? other) => other is not null && EqualityContract == other.EqualityContract;
    public override int GetHashCode() => EqualityContract.GetHashCode();
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

/// <summary>A named goroutine body. Equality: the name and the ops (not the position).</summary>
public sealed record Body(string Name, Block Ops)
{
    public SourcePos Pos { get; init; }

    public bool Equals(Body? other) => other is not null && Name == other.Name && Ops.Equals(other.Ops);
    public override int GetHashCode() => HashCode.Combine(Name, Ops);
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
        bodies = Number(bodies);
        Bodies = bodies;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < bodies.Length; i++) index.TryAdd(bodies[i].Name, i);
        _index = index;
    }

    public Workload(IEnumerable<Body> bodies) : this(bodies.ToImmutableArray()) { }

    private readonly Dictionary<string, int> _index;

    /// <summary>Copies every op with its program point: body index and pre-order ordinal.</summary>
    private static ImmutableArray<Body> Number(ImmutableArray<Body> bodies)
    {
        var numbered = ImmutableArray.CreateBuilder<Body>(bodies.Length);
        for (var b = 0; b < bodies.Length; b++)
        {
            var next = 0;
            numbered.Add(bodies[b] with { Ops = Number(b, bodies[b].Ops, ref next) });
        }
        return numbered.MoveToImmutable();
    }

    private static Block Number(int body, Block block, ref int next)
    {
        var ops = ImmutableArray.CreateBuilder<Op>(block.Count);
        foreach (var op in block)
        {
            var point = new ProgramPoint(body, next++);
            ops.Add(op switch
            {
                CallOp c => c with { Point = point, Body = Number(body, c.Body, ref next) },
                RepeatOp r => r with { Point = point, Body = Number(body, r.Body, ref next) },
                _ => op with { Point = point },
            });
        }
        return new Block(ops.MoveToImmutable());
    }

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
