using Implementation;

namespace Conformance.Campaigns;

/// <summary>
/// The runtime's catalog of seeded bugs (<c>Implementation.Mutant</c>, internal to the runtime and visible to
/// Conformance) as names, and the one way to switch one on: the internal <c>RuntimeOptions.Mutant</c>. No public
/// surface of the runtime exposes them, and a Release runtime refuses any (it has no mutant branch to switch on).
/// </summary>
public static class Mutants
{
    /// <summary>Every seeded bug, in catalog order ("None" left out); empty in a Release build.</summary>
    public static IReadOnlyList<string> Names { get; } =
        RuntimeOptions.DiagnosticBuild ? [.. Enum.GetNames<Mutant>().Where(n => n != nameof(Mutant.None))] : [];

    /// <summary><paramref name="options"/> with mutant <paramref name="name"/> switched on ("" = none).</summary>
    public static RuntimeOptions With(RuntimeOptions options, string name)
    {
        if (name.Length == 0) return options;
        if (!RuntimeOptions.DiagnosticBuild || !Enum.TryParse<Mutant>(name, out var value) || value == Mutant.None)
            throw new ArgumentException($"this build of the runtime has no mutant named '{name}'", nameof(name));
        return options with { Mutant = value };
    }
}
