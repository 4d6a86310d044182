namespace Conformance.GoSide;

/// <summary>A file that is not a well-formed Go 1.19 execution trace. <see cref="Offset"/> is the byte offset of the
/// bad event (or -1 when the problem is not at one place, such as "no consistent ordering of events").</summary>
public sealed class GoTraceException(string message, long offset = -1) : Exception(message)
{
    public long Offset { get; } = offset;
}
