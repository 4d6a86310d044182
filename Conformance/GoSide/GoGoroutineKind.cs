namespace Conformance.GoSide;

/// <summary>Whose goroutine it is.</summary>
public enum GoGoroutineKind : byte
{
    /// <summary>The main goroutine (start function runtime.main, which calls main.main).</summary>
    Main,
    /// <summary>A goroutine of the program.</summary>
    User,
    /// <summary>One of the runtime's own goroutines: the start function is in package runtime (forcegchelper, bgsweep,
    /// bgscavenge, runfinq, GC workers, ...) or in runtime/trace (the trace reader); runtime.main excepted. Mirrors
    /// the spirit of runtime.isSystemGoroutine (traceback.go), which also counts runtime.* start functions.</summary>
    System,
}
