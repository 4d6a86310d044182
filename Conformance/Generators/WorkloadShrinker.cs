using System.Collections.Immutable;
using Model.Workload;

namespace Conformance.Generators;

/// <summary>
/// Shrinks a workload to smaller workloads that stay well-formed (<see cref="WorkloadValidator.IsWellFormed"/>),
/// biggest cuts first: drop a body with every <c>go</c> that names it, empty a body, drop one op, unwrap a
/// <c>call</c>, <c>repeat</c> or a select's case into its block, drop a select case, then lower a count or a
/// channel's capacity. Every candidate keeps only the channel declarations its ops still name (so no op is left
/// naming an undeclared channel and no declaration is left unused), and dropping a case never adds a default. No
/// candidate adds an op, a body, a spawn or a channel, so shrinking keeps a generated workload's bounds (acyclic
/// spawns, bounded frames) and always terminates.
/// </summary>
public static class WorkloadShrinker
{
    /// <summary>Every one-step shrink of <paramref name="workload"/>, most aggressive first (each Workload numbers its
    /// own copy of every op, so no op object is shared with the input or between candidates).</summary>
    public static IEnumerable<Workload> Shrink(Workload workload) => Candidates(workload);

    private static IEnumerable<Workload> Candidates(Workload workload)
    {
        var bodies = workload.Bodies;
        var chans = workload.Channels;
        // Every candidate keeps the channels its ops still use, in their order (channel i stays the i-th of those left).
        Workload Make(IEnumerable<Body> b, ImmutableArray<ChanDecl>? c = null)
        {
            var list = b.ToList();
            var used = WorkloadGen.ChannelsUsed(list);
            return new Workload(list, (c ?? chans).Where(d => used.Contains(d.Name)));
        }

        // 1. Drop a whole body (never main), and every `go` that starts it.
        for (var i = 0; i < bodies.Length; i++)
        {
            if (bodies[i].Name == Workload.MainBody) continue;
            var dropped = bodies[i].Name;
            yield return Make(bodies.RemoveAt(i).Select(b => b with { Ops = WithoutGo(b.Ops, dropped) }));
        }

        // 2. Empty a body.
        for (var i = 0; i < bodies.Length; i++)
        {
            if (bodies[i].Ops.Count == 0) continue;
            yield return Make(bodies.SetItem(i, bodies[i] with { Ops = Block.Empty }));
        }

        // 3. Smaller variants of one body's block.
        for (var i = 0; i < bodies.Length; i++)
        {
            foreach (var block in ShrinkBlock(bodies[i].Ops))
                yield return Make(bodies.SetItem(i, bodies[i] with { Ops = block }));
        }

        // 4. A smaller capacity for one buffered channel.
        for (var i = 0; i < chans.Length; i++)
        {
            foreach (var n in SmallerCounts(chans[i].Capacity))
                yield return Make(bodies, chans.SetItem(i, chans[i] with { Capacity = n }));
        }
    }

    /// <summary>Removes every <c>go <paramref name="body"/></c> from a block and its nested blocks (select cases included).</summary>
    public static Block WithoutGo(Block block, string body)
    {
        var ops = ImmutableArray.CreateBuilder<Op>(block.Count);
        foreach (var op in block)
        {
            if (op is GoOp g && g.Body == body) continue;
            ops.Add(op.Nested is { } inner ? op.WithNested(WithoutGo(inner, body)) : op);
        }
        return new Block(ops.ToImmutable());
    }

    /// <summary>Drop one op; then replace one op by its own shrinks (which may be several ops, when unwrapped).</summary>
    private static IEnumerable<Block> ShrinkBlock(Block block)
    {
        var ops = block.Ops;
        // Halves first, so long blocks shrink in log steps.
        if (ops.Length >= 4)
        {
            yield return new Block(ops.Take(ops.Length / 2));
            yield return new Block(ops.Skip(ops.Length / 2));
        }
        for (var i = 0; i < ops.Length; i++) yield return new Block(ops.RemoveAt(i));
        for (var i = 0; i < ops.Length; i++)
        {
            foreach (var replacement in ShrinkOp(ops[i]))
                yield return new Block(ops.RemoveAt(i).InsertRange(i, replacement));
        }
    }

    private static IEnumerable<ImmutableArray<Op>> ShrinkOp(Op op)
    {
        switch (op)
        {
            case RepeatOp r:
                yield return r.Body.Ops;                                  // unwrap: run the block once
                foreach (var n in SmallerCounts(r.Count)) yield return [r with { Count = n }];
                foreach (var b in ShrinkBlock(r.Body)) yield return [r with { Body = b }];
                break;
            case CallOp c:
                yield return c.Body.Ops;                                  // unwrap: same ops, one frame less
                foreach (var n in SmallerCounts(c.FrameBytes)) yield return [c with { FrameBytes = n }];
                foreach (var b in ShrinkBlock(c.Body)) yield return [c with { Body = b }];
                break;
            case WorkOp w:
                foreach (var n in SmallerCounts(w.Iterations)) yield return [w with { Iterations = n }];
                break;
            case SyscallOp s:
                foreach (var n in SmallerCounts(s.Micros)) yield return [s with { Micros = n }];
                break;
            case SleepOp sl:
                foreach (var n in SmallerCounts(sl.Micros)) yield return [sl with { Micros = n }];
                break;
            case SelectOp sel:
            {
                var cases = sel.Cases.Ops;
                // Unwrap a case: its block alone, as if that case were always chosen (the select and its wait go).
                foreach (var c in cases)
                    if (c.Nested is { Count: > 0 } body) yield return body.Ops;
                // Drop one case (a select never gains a default this way; dropping the last gives `select {}`).
                for (var i = 0; i < cases.Length; i++) yield return [sel with { Cases = new Block(cases.RemoveAt(i)) }];
                // Shrink one case's block.
                for (var i = 0; i < cases.Length; i++)
                {
                    var c = (SelectCaseOp)cases[i];
                    foreach (var b in ShrinkBlock(c.Body))
                        yield return [sel with { Cases = new Block(cases.SetItem(i, c with { Body = b })) }];
                }
                break;
            }
            case IoOp io:
                foreach (var n in SmallerCounts(io.Micros)) if (n >= 1) yield return [io with { Micros = n }];
                break;
        }
    }

    /// <summary>0, then halfway, then one less: the candidates FsCheck's own integer shrinker tries first.</summary>
    private static IEnumerable<int> SmallerCounts(int n)
    {
        if (n <= 0) yield break;
        yield return 0;
        if (n / 2 > 0 && n / 2 < n) yield return n / 2;
        if (n - 1 > n / 2) yield return n - 1;
    }
}
