namespace Conformance.GoSide;

/// <summary>One status change of a goroutine in a Go trace: at merged event <see cref="EventIndex"/> (the event that
/// shows it; -1 for a change the tracer leaves implicit), it went <see cref="From"/> → <see cref="To"/>.
/// <see cref="By"/> is the goroutine that caused it when that is another one (the creator, the unblocker), else 0.
/// <see cref="Detail"/> says why in the tracer's words (its event type, or the inference).</summary>
public readonly record struct GoStatusStep(int EventIndex, GoStatus? From, GoStatus To, string Detail, ulong By = 0)
{
    public override string ToString() =>
        $"{(From is { } f ? f.ToString().ToLowerInvariant() : "new")} -> {To.ToString().ToLowerInvariant()} ({Detail}{(By != 0 ? $" by g{By}" : "")}{(EventIndex >= 0 ? $" @{EventIndex}" : "")})";
}
