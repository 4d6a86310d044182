namespace Conformance.GoSide;

/// <summary>The known, explained differences between Go 1.19 and the model (docs/go-vs-model.md), by id.</summary>
public static class GoVsModel
{
    /// <summary>Go's semrelease1 (sema.go) with handoff=false adds one to the count and readies the oldest waiter into
    /// runnext; the woken goroutine must win cansemacquire again, and if another goroutine took the count first, it
    /// queues again at the tail and parks. The model (and the native runtime) hand the count to the waiter.</summary>
    public const string SemaNoHandoff = "sema-no-handoff";
}
