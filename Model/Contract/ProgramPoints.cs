namespace Model.Workload;

/// <summary>
/// A program point: an op of a body, named by the body's index and the op's pre-order ordinal inside it
/// (0 = the body's first op; nested blocks are numbered right after the op that opens them). Both sides
/// name resume points this way, so that a native resume pc maps to the same point as the model's abstract pc.
/// </summary>
public readonly record struct ProgramPoint(int Body, int Ordinal)
{
    public override string ToString() => $"{Body}.{Ordinal}";
}

/// <summary>Pre-order numbering of the ops of each body.</summary>
public sealed class ProgramPoints
{
    private readonly List<Op>[] _ops;

    public ProgramPoints(Workload workload)
    {
        Workload = workload;
        _ops = new List<Op>[workload.Bodies.Length];
        for (var b = 0; b < workload.Bodies.Length; b++)
        {
            var list = new List<Op>();
            Number(b, workload.Bodies[b].Ops, list);
            _ops[b] = list;
        }
    }

    public Workload Workload { get; }

    private void Number(int body, Block block, List<Op> list)
    {
        foreach (var op in block)
        {
            if (op.Point != new ProgramPoint(body, list.Count))
                throw new ArgumentException($"op {WorkloadPrinter.Head(op)} carries point {op.Point}, not {body}.{list.Count}: ops are numbered by the Workload that holds them");
            list.Add(op);
            if (op.Nested is { } inner) Number(body, inner, list);
        }
    }

    /// <summary>The op at a point.</summary>
    public Op OpAt(ProgramPoint point) => _ops[point.Body][point.Ordinal];

    /// <summary>Number of ops in a body, nested ones included.</summary>
    public int Count(int body) => _ops[body].Count;

    /// <summary>"worker line 4: yield" style description for reports.</summary>
    public string Describe(ProgramPoint point)
    {
        var op = OpAt(point);
        var name = Workload.Bodies[point.Body].Name;
        var text = WorkloadPrinter.Head(op);
        return op.Pos.IsKnown ? $"{name} line {op.Pos.Line}: {text}" : $"{name} op {point.Ordinal}: {text}";
    }
}
