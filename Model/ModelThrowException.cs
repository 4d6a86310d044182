namespace Model;

/// <summary>A Go throw inside a step: unwinds to <see cref="Stepper.Apply"/>, which records it in the state.</summary>
internal sealed class ModelThrowException(Throw what) : Exception(what.Message())
{
    public Throw What { get; } = what;
}
