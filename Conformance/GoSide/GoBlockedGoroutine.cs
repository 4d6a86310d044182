namespace Conformance.GoSide;

/// <summary>A goroutine of Go's deadlock dump: its goid, its wait reason in brackets, and the innermost frame of a
/// workload function with its source line (which names the <c>acquire</c>).</summary>
public sealed record GoBlockedGoroutine(ulong Goid, string WaitReason, string? Function, int Line);
