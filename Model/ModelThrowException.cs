namespace Model;

/// <summary>A Go throw or panic inside a step: unwinds to <see cref="Stepper.Apply"/>, which records it in the state
/// (for a panic, with the goid of the g that panicked).</summary>
internal sealed class ModelThrowException(Throw what, long goid = 0) : Exception(what.Message())
{
    public Throw What { get; } = what;
    /// <summary>The panicking g's goid (panics only), else 0.</summary>
    public long Goid { get; } = goid;
}
