namespace Conformance.GoSide;

/// <summary>A goroutine status as a Go trace shows it, with Go's status numbers (runtime2.go). The tracer cannot see
/// every status change: see <see cref="GoStatusProjection"/> for what is inferred.</summary>
public enum GoStatus : byte
{
    Runnable = 1,
    Running = 2,
    Syscall = 3,
    Waiting = 4,
    Dead = 6,
}
