using Implementation;

namespace Conformance.Campaigns;

/// <summary>
/// The runtime's catalog of seeded bugs (<c>Implementation.Mutant</c>, internal to the runtime and visible to
/// Conformance) as names, and the one way to switch one on: the internal <c>RuntimeOptions.Mutant</c>. No public
/// surface of the runtime exposes them, and a Release runtime refuses any (it has no mutant branch to switch on).
/// </summary>
public static class Mutants
{
    /// <summary>Seeded bugs that no controlled run can show. TwoPollers lets a second M block in netpoll; under
    /// faketime no M ever blocks there, so controlled runs are unchanged: the runtime's own check of N2 (at most one
    /// M in the poller) ends a free-running run with it (Implementation.Tests' MutantTests).</summary>
    public static IReadOnlySet<string> FreeRunningOnly { get; } = new HashSet<string> { nameof(Mutant.TwoPollers) };

    /// <summary>Every seeded bug the campaign's controlled runs can meet, in catalog order ("None" and
    /// <see cref="FreeRunningOnly"/> left out); empty in a Release build.</summary>
    public static IReadOnlyList<string> Names { get; } =
        RuntimeOptions.DiagnosticBuild
            ? [.. Enum.GetNames<Mutant>().Where(n => n != nameof(Mutant.None) && !FreeRunningOnly.Contains(n))]
            : [];


    /// <summary><paramref name="options"/> with mutant <paramref name="name"/> switched on ("" = none).</summary>
    public static RuntimeOptions With(RuntimeOptions options, string name)
    {
        if (name.Length == 0) return options;
        if (!RuntimeOptions.DiagnosticBuild || !Enum.TryParse<Mutant>(name, out var value) || value == Mutant.None)
            throw new ArgumentException($"this build of the runtime has no mutant named '{name}'", nameof(name));
        return options with { Mutant = value };
    }
}
