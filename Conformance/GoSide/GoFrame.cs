namespace Conformance.GoSide;

/// <summary>One frame of a stack in the trace's stack table.</summary>
public sealed record GoFrame(ulong Pc, string Function, string File, int Line)
{
    public override string ToString() => $"{Function} {File}:{Line}";
}
