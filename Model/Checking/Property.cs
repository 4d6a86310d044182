namespace Model.Checking;

/// <summary>When a property is checked.</summary>
public enum PropertyKind : byte
{
    /// <summary>In every reachable state.</summary>
    Always,
    /// <summary>In every terminal state (no enabled action).</summary>
    AtEnd,
}

/// <summary>A named property of a model's states.</summary>
/// <param name="Name">How reports name it.</param>
/// <param name="Kind">When it is checked.</param>
/// <param name="Holds">The predicate.</param>
/// <param name="IsDeadlock">Its failures are deadlocks: counted as such, and they do not stop the search.</param>
public sealed record Property<TState>(string Name, PropertyKind Kind, Func<TState, bool> Holds, bool IsDeadlock = false)
{
    public static Property<TState> Always(string name, Func<TState, bool> holds) => new(name, PropertyKind.Always, holds);
    public static Property<TState> AtEnd(string name, Func<TState, bool> holds, bool isDeadlock = false) =>
        new(name, PropertyKind.AtEnd, holds, isDeadlock);
}
