namespace Conformance.GoSide;

/// <summary>How a run ended, as vs-go compares it.</summary>
public enum ModelEnd : byte
{
    Completed,
    /// <summary>"all goroutines are asleep - deadlock!"</summary>
    Deadlock,
    /// <summary>Any other fatal error.</summary>
    Fatal,
    /// <summary>A workload goroutine panicked (send on a closed channel, close of a closed or nil channel).</summary>
    Panic,
}
