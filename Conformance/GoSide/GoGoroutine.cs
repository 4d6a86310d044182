namespace Conformance.GoSide;

/// <summary>A goroutine seen in a Go trace: its id, its start function (from the stack of its GoCreate event), who
/// created it, and its status history as the trace shows it.</summary>
public sealed class GoGoroutine
{
    public required ulong Goid { get; init; }
    public required string StartFunction { get; init; }
    public required GoGoroutineKind Kind { get; init; }
    /// <summary>The creating goroutine, or 0 when it already existed when tracing started.</summary>
    public required ulong CreatedBy { get; init; }
    /// <summary>The merged index of its GoCreate event.</summary>
    public required int CreatedAt { get; init; }
    public bool ExistedAtStart => CreatedBy == 0;
    public List<GoStatusStep> History { get; } = [];
    public GoStatus Status => History.Count == 0 ? GoStatus.Runnable : History[^1].To;
    /// <summary>The merged indices of its GoStart events (its run slices).</summary>
    public List<int> Starts { get; } = [];

    /// <summary>Classifies a start function.</summary>
    public static GoGoroutineKind Classify(string startFunction) =>
        startFunction == "runtime.main" ? GoGoroutineKind.Main
        : startFunction.StartsWith("runtime.", StringComparison.Ordinal) || startFunction.StartsWith("runtime/", StringComparison.Ordinal)
            ? GoGoroutineKind.System
            : GoGoroutineKind.User;
}
