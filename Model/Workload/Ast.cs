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

    /// <summary>The op's nested block (call, repeat, select's cases, a case's body), or null. Walkers that only need
    /// to reach every op use this instead of naming each kind of op that nests.</summary>
    public virtual Block? Nested => null;

    /// <summary>A copy of this op with <paramref name="nested"/> as its nested block (only for ops that have one).</summary>
    public virtual Op WithNested(Block nested) => throw new InvalidOperationException($"{GetType().Name} has no nested block");
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
/// <summary><c>sleep N</c>: time.Sleep for N microseconds: the g parks ("sleep") on a timer of its P's heap and the
/// timer readies it (runtime.timeSleep, addtimer, goroutineReady). Controlled runs use virtual time.</summary>
public sealed record SleepOp(int Micros) : Op;
/// <summary><c>io N</c>: a network read whose reply is ready after about N microseconds (N ≥ 1). The g parks ("IO
/// wait") in netpollblock on a real fd registered with the run's epoll; the network poller (netpoll, injectglist)
/// makes it runnable again. Unlike <c>syscall N</c> it holds no M and no P while it waits. Controlled runs use
/// virtual time: the reply is ready once the virtual clock reaches the deadline.</summary>
public sealed record IoOp(int Micros) : Op;
/// <summary><c>work N</c>: N iterations of pure computation.</summary>
public sealed record WorkOp(int Iterations) : Op;
/// <summary><c>call BYTES { ... }</c>: a real frame of BYTES bytes; the block runs one frame deeper.</summary>
public sealed record CallOp(int FrameBytes, Block Body) : Op
{
    public override Block? Nested => Body;
    public override Op WithNested(Block nested) => this with { Body = nested };
}
/// <summary><c>repeat N { ... }</c>: a loop.</summary>
public sealed record RepeatOp(int Count, Block Body) : Op
{
    public override Block? Nested => Body;
    public override Op WithNested(Block nested) => this with { Body = nested };
}
/// <summary><c>exit</c>: runtime.Goexit from any depth.</summary>
public sealed record ExitOp : Op;

/// <summary><c>send C</c>: <c>c &lt;- v</c>, chansend(c, &amp;v, block=true). The value is the sender's own counter
/// (<see cref="ChanValues"/>); the op parks with "chan send" when nobody takes it.</summary>
public sealed record SendOp(string Chan) : Op;
/// <summary><c>recv C</c>: <c>v, ok := &lt;-c</c>, chanrecv(c, &amp;v, block=true); parks with "chan receive".</summary>
public sealed record RecvOp(string Chan) : Op;
/// <summary><c>close C</c>: closechan(c).</summary>
public sealed record CloseOp(string Chan) : Op;

/// <summary>What a select case does.</summary>
public enum SelectCaseKind : byte
{
    /// <summary><c>send C { ... }</c>: <c>case c &lt;- v:</c>.</summary>
    Send,
    /// <summary><c>recv C { ... }</c>: <c>case v, ok := &lt;-c:</c>.</summary>
    Recv,
    /// <summary><c>default { ... }</c>: taken when no other case is ready (selectnbsend/selectgo with block=false).</summary>
    Default,
}

/// <summary>One case of a <see cref="SelectOp"/> with the block it runs when chosen. <see cref="Chan"/> is null for
/// <c>default</c>. A case is numbered like an op (it has a program point) so that its block nests as a call's does.</summary>
public sealed record SelectCaseOp(SelectCaseKind Kind, string? Chan, Block Body) : Op
{
    public override Block? Nested => Body;
    public override Op WithNested(Block nested) => this with { Body = nested };
}

/// <summary><c>select { cases }</c>: selectgo. <see cref="Cases"/> holds only <see cref="SelectCaseOp"/>s, in source
/// order; the case index every side reports is the position in that order. <c>select { }</c> blocks forever
/// ("select (no cases)").</summary>
public sealed record SelectOp(Block Cases) : Op
{
    public override Block? Nested => Cases;
    public override Op WithNested(Block nested) => this with { Cases = nested };

    /// <summary>The cases, typed.</summary>
    public IEnumerable<SelectCaseOp> CaseOps => Cases.Ops.Cast<SelectCaseOp>();

    /// <summary>The index of the default case, or -1.</summary>
    public int DefaultIndex
    {
        get
        {
            for (var i = 0; i < Cases.Count; i++)
                if (((SelectCaseOp)Cases[i]).Kind == SelectCaseKind.Default) return i;
            return -1;
        }
    }

    /// <summary>The cases that name a channel (Go's ncases: every case but default).</summary>
    public int ChannelCases => Cases.Count - (DefaultIndex >= 0 ? 1 : 0);

    /// <summary>Whether any case sends (the op then takes a send value even if another case wins).</summary>
    public bool HasSend => CaseOps.Any(c => c.Kind == SelectCaseKind.Send);
}

/// <summary>
/// A top-level channel declaration: <c>chan NAME CAP</c> (<c>make(chan int64, CAP)</c>; 0 is unbuffered) or
/// <c>chan NAME nil</c> (a nil channel: send and receive block forever, close panics). Channel i of a workload is the
/// i-th declaration. Equality leaves out the position.
/// </summary>
public sealed record ChanDecl(string Name, int Capacity, bool IsNil = false)
{
    public SourcePos Pos { get; init; }

    public bool Equals(ChanDecl? other) => other is not null && Name == other.Name && Capacity == other.Capacity && IsNil == other.IsNil;
    public override int GetHashCode() => HashCode.Combine(Name, Capacity, IsNil);
}

/// <summary>
/// The values channels carry, the same on every side: the n-th send a goroutine starts (a <c>send</c> op, or a
/// <c>select</c> with a send case, whichever case wins; n counts from 1 and restarts when newproc1 gives the g a new
/// goid) sends <c>goid × 2^32 + n</c>. A receive that sees a closed, empty channel gets 0 and !ok.
/// </summary>
public static class ChanValues
{
    public static long Of(long goid, long n) => (goid << 32) + n;
    public static long Goid(long value) => value >> 32;
    public static long Seq(long value) => value & 0xFFFF_FFFFL;
    public static string Describe(long value) => value == 0 ? "0 (zero value)" : $"g{Goid(value)}#{Seq(value)}";
}

/// <summary>A named goroutine body. Equality: the name and the ops (not the position).</summary>
public sealed record Body(string Name, Block Ops)
{
    public SourcePos Pos { get; init; }

    /// <summary>Whether the body has a <c>call</c> anywhere: a checked prologue besides its own, where a preemption
    /// request can be delivered. Both sides ask this before sysmon may preempt one of its gs (the model's Preempt
    /// action, the controlled runtime's recorded choice).</summary>
    public bool HasCall => HasCallIn(Ops);

    private static bool HasCallIn(Block block)
    {
        foreach (var op in block)
            if (op is CallOp || op.Nested is { } nested && HasCallIn(nested)) return true;
        return false;
    }

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

    public Workload(ImmutableArray<Body> bodies, ImmutableArray<ChanDecl> channels = default)
    {
        bodies = Number(bodies);
        Bodies = bodies;
        Channels = channels.IsDefault ? ImmutableArray<ChanDecl>.Empty : channels;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < bodies.Length; i++) index.TryAdd(bodies[i].Name, i);
        _index = index;
        var chans = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Channels.Length; i++) chans.TryAdd(Channels[i].Name, i);
        _chanIndex = chans;
    }

    public Workload(IEnumerable<Body> bodies, IEnumerable<ChanDecl>? channels = null)
        : this(bodies.ToImmutableArray(), channels?.ToImmutableArray() ?? default) { }

    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, int> _chanIndex;

    /// <summary>The channel declarations, in source order: channel i is Channels[i] on every side.</summary>
    public ImmutableArray<ChanDecl> Channels { get; }

    /// <summary>Index of the channel named <paramref name="name"/>, or -1.</summary>
    public int ChannelIndex(string name) => _chanIndex.TryGetValue(name, out var i) ? i : -1;

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
            var numbered = op with { Point = point };
            ops.Add(op.Nested is { } inner ? numbered.WithNested(Number(body, inner, ref next)) : numbered);
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
                    default:
                        if (op.Nested is { } inner) Walk(inner);
                        break;
                }
            }
        }
        foreach (var body in Bodies) Walk(body.Ops);
        return names;
    }

    public bool Equals(Workload? other) => other is not null && Bodies.SequenceEqual(other.Bodies) && Channels.SequenceEqual(other.Channels);
    public override bool Equals(object? obj) => Equals(obj as Workload);
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var b in Bodies) h.Add(b);
        foreach (var c in Channels) h.Add(c);
        return h.ToHashCode();
    }

    public override string ToString() => WorkloadPrinter.Print(this);
}
