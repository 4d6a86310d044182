namespace Bench.Peers;

/// <summary>Everything one <c>peers</c> run produced: the machine and the rows, measured in the same process run.</summary>
/// <param name="Machine">The machine and toolchains.</param>
/// <param name="Rows">One row per operation, in table order.</param>
/// <param name="Quick">Whether the run used the --quick sizes.</param>
/// <param name="When">When the run finished.</param>
/// <param name="Statistic">How each figure summarises its samples.</param>
public sealed record ComparisonReport(MachineInfo Machine, IReadOnlyList<ComparisonRow> Rows, bool Quick, DateTimeOffset When,
    Statistic Statistic = Statistic.Median);
