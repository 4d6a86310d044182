namespace Model.Checking;

/// <summary>A property that failed in an exploration, with how often and the shortest path to a failing state.</summary>
public sealed record PropertyViolation<TState, TAction>(string Property, PropertyKind Kind, bool IsDeadlock, long Count, Path<TState, TAction> Path);
