using Model.Workload;

namespace Conformance.Generators;

/// <summary>
/// Greedy shrinking, as FsCheck does it: take the first one-step shrink that still fails, and start again from it,
/// until no candidate fails or a budget runs out.
/// </summary>
public static class Shrinking
{
    /// <summary>The result of a shrink: the smallest failing value found and how many candidates were tried.</summary>
    public sealed record Result<T>(T Value, int Steps, int Tried);

    /// <summary>
    /// Shrinks <paramref name="workload"/> while <paramref name="fails"/> holds. <paramref name="fails"/> must hold for
    /// the input. Stops after <paramref name="maxTries"/> candidates or when <paramref name="deadline"/> passes.
    /// </summary>
    public static Result<Workload> Minimize(Workload workload, Func<Workload, bool> fails, int maxTries = 2000, DateTime? deadline = null) =>
        Minimize(workload, WorkloadShrinker.Shrink, fails, maxTries, deadline);

    /// <summary>Greedy shrinking of any value with a shrinker that returns smaller candidates first.</summary>
    public static Result<T> Minimize<T>(T value, Func<T, IEnumerable<T>> shrink, Func<T, bool> fails, int maxTries = 2000, DateTime? deadline = null)
    {
        var current = value;
        int steps = 0, tried = 0;
        var progress = true;
        while (progress && tried < maxTries && (deadline is null || DateTime.UtcNow < deadline))
        {
            progress = false;
            foreach (var candidate in shrink(current))
            {
                if (tried >= maxTries || (deadline is not null && DateTime.UtcNow >= deadline)) break;
                tried++;
                if (!fails(candidate)) continue;
                current = candidate;
                steps++;
                progress = true;
                break;
            }
        }
        return new Result<T>(current, steps, tried);
    }
}
