namespace Bench.Peers;

/// <summary>Everything one <c>peers</c> run produced: the machine and the rows, measured in the same process run.</summary>
public sealed record ComparisonReport(MachineInfo Machine, IReadOnlyList<ComparisonRow> Rows, bool Quick, DateTimeOffset When);
