using System.Collections.Immutable;
using Model.Workload;

namespace Model.Contract;

/// <summary>
/// How both sides number a workload's selects (the <c>a0</c> of the Select and SelectWoken services,
/// <c>Native.Compiler.RuntimeServices</c>): select k is the k-th <see cref="SelectOp"/> met walking the bodies in order and
/// each body in pre-order (a select comes before the selects nested in its cases' blocks, which come before the next
/// op of the enclosing block). Program-point order within a body, so the number never depends on how code is emitted.
/// </summary>
public static class SelectNumbering
{
    /// <summary>The selects of <paramref name="workload"/> by number.</summary>
    public static ImmutableArray<SelectOp> Of(Workload.Workload workload)
    {
        var list = ImmutableArray.CreateBuilder<SelectOp>();
        foreach (var body in workload.Bodies) Walk(body.Ops, list);
        return list.ToImmutable();
    }

    private static void Walk(Block block, ImmutableArray<SelectOp>.Builder list)
    {
        foreach (var op in block)
        {
            if (op is SelectOp s) list.Add(s);
            if (op.Nested is { } inner) Walk(inner, list);
        }
    }
}
