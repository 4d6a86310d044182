namespace Model.Checking;

/// <summary>What an exploration of the model's state space found (the checker's own verdict on a run is
/// Conformance's CheckResult, a different thing).</summary>
public sealed record ExploreResult<TState, TAction>
{
    public required long Distinct { get; init; }
    public required long Generated { get; init; }
    /// <summary>The deepest level reached (the initial states are depth 0).</summary>
    public required int MaxDepth { get; init; }
    public required TimeSpan Elapsed { get; init; }
    /// <summary>States with no enabled action.</summary>
    public required long TerminalStates { get; init; }
    /// <summary>Terminal states that fail a deadlock property.</summary>
    public required long Deadlocks { get; init; }
    /// <summary>Every property that failed, by property order.</summary>
    public required IReadOnlyList<PropertyViolation<TState, TAction>> Violations { get; init; }
    /// <summary>Whether every reachable state (within the boundary and depth) was explored.</summary>
    public required bool Exhausted { get; init; }
    /// <summary>Why the search stopped early, or null.</summary>
    public string? StoppedBy { get; init; }
    public required int Threads { get; init; }

    public double StatesPerSecond => Elapsed.TotalSeconds > 0 ? Distinct / Elapsed.TotalSeconds : 0;

    /// <summary>The violation of the property named <paramref name="name"/>, or null.</summary>
    public PropertyViolation<TState, TAction>? Discovery(string name) => Violations.FirstOrDefault(v => v.Property == name);
}
