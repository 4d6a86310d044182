namespace Implementation;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>Every goroutine ended.</summary>
    Completed,
    /// <summary>Goroutines remain and all of them are blocked: "all goroutines are asleep - deadlock!".</summary>
    Deadlock,
    /// <summary>A fatal runtime error (Go's throw), such as a stack overflow.</summary>
    Fatal,
}
