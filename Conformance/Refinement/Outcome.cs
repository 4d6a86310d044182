using System.Collections.Immutable;

namespace Conformance.Refinement;

/// <summary>How a run ended.</summary>
public enum OutcomeKind
{
    /// <summary>Every goroutine ended.</summary>
    Completed,
    /// <summary>Goroutines remain and every one of them is blocked: "all goroutines are asleep - deadlock!".</summary>
    Deadlock,
    /// <summary>A fatal error (Go's throw), a stack overflow, or a run that did not finish in time.</summary>
    Fatal,
    /// <summary>The model's run had not ended when the runtime's trace did (a runtime that stopped mid-run: a crash, a
    /// hang, a throw before its event was recorded). Only the model side can be Incomplete, and it agrees with nothing,
    /// so a runtime that stops early is a violation, never "both fatal".</summary>
    Incomplete,
}

/// <summary>
/// The end of a run as both sides can state it: how it ended, which goroutines ended, and which are blocked on what.
/// Two outcomes agree when all three agree (the detail text is for people and is not compared).
/// </summary>
public sealed record Outcome(OutcomeKind Kind, ImmutableSortedSet<long> Finished, ImmutableSortedDictionary<long, string> Blocked, string Detail = "")
{
    public static Outcome Completed(IEnumerable<long> finished) =>
        new(OutcomeKind.Completed, [.. finished], ImmutableSortedDictionary<long, string>.Empty);

    public bool AgreesWith(Outcome other) =>
        Kind != OutcomeKind.Incomplete && Kind == other.Kind && Finished.SetEquals(other.Finished) &&
        Blocked.Count == other.Blocked.Count && Blocked.All(b => other.Blocked.TryGetValue(b.Key, out var w) && w == b.Value) &&
        PanicText(Detail) == PanicText(other.Detail);

    /// <summary>A panic's words as both sides print them ("panic: MSG", a blank line, "goroutine N [running]:"; the
    /// runtime adds the op and its line after that), or null when the detail is no panic: a run that panics must
    /// panic with the same message in the same goroutine on both sides.</summary>
    public static string? PanicText(string detail)
    {
        if (!detail.StartsWith("panic: ", StringComparison.Ordinal)) return null;
        const string running = "[running]:";
        var end = detail.IndexOf(running, StringComparison.Ordinal);
        return end < 0 ? detail : detail[..(end + running.Length)];
    }

    public override string ToString()
    {
        var blocked = Blocked.Count == 0 ? "" : "; blocked: " + string.Join(", ", Blocked.Select(b => $"g{b.Key} on {b.Value}"));
        var detail = Detail.Length == 0 ? "" : $" ({Detail})";
        return $"{Kind}: {Finished.Count} finished{blocked}{detail}";
    }

    /// <summary>The differences between two outcomes in words, empty when they agree.</summary>
    public static string Differences(Outcome model, Outcome runtime)
    {
        var parts = new List<string>();
        if (model.Kind != runtime.Kind) parts.Add($"the model ends in {model.Kind}, the runtime in {runtime.Kind}");
        var onlyModel = model.Finished.Except(runtime.Finished).ToList();
        var onlyRuntime = runtime.Finished.Except(model.Finished).ToList();
        if (onlyModel.Count > 0) parts.Add("finished only in the model: " + string.Join(" ", onlyModel.Select(g => $"g{g}")));
        if (onlyRuntime.Count > 0) parts.Add("finished only in the runtime: " + string.Join(" ", onlyRuntime.Select(g => $"g{g}")));
        foreach (var g in model.Blocked.Keys.Union(runtime.Blocked.Keys).Order())
        {
            var m = model.Blocked.GetValueOrDefault(g);
            var r = runtime.Blocked.GetValueOrDefault(g);
            if (m != r) parts.Add($"g{g} blocked on {m ?? "nothing"} in the model, on {r ?? "nothing"} in the runtime");
        }
        return string.Join("; ", parts);
    }
}
