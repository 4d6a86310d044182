namespace Conformance.GoSide;

/// <summary>
/// The known, deliberate differences between Go 1.19 and the model (docs/go-vs-model.md), by id. None is listed
/// today: the one vs-go found (semrelease with handoff = false) was fixed in the model and the runtime. A verdict's
/// <c>Known</c> names one of these when a disagreement is one of them.
/// </summary>
public static class GoVsModel
{
    /// <summary>Every listed difference (none at present).</summary>
    public static IReadOnlyList<string> All { get; } = [];
}
