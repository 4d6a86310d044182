namespace Model.Workload;

/// <summary>A workload that does not parse or does not make sense, with the place that is wrong.</summary>
public sealed class WorkloadException : Exception
{
    public WorkloadException(string problem, SourcePos pos, string? fileName = null)
        : base(Format(problem, pos, fileName))
    {
        Problem = problem;
        Pos = pos;
        FileName = fileName;
    }

    /// <summary>What is wrong, without the place.</summary>
    public string Problem { get; }
    public SourcePos Pos { get; }
    public string? FileName { get; }
    public int Line => Pos.Line;
    public int Column => Pos.Column;

    private static string Format(string problem, SourcePos pos, string? fileName) =>
        pos.IsKnown ? $"{fileName ?? "workload"}:{pos.Line}:{pos.Column}: {problem}" : $"{fileName ?? "workload"}: {problem}";
}
