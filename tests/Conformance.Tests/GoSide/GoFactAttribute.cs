using Conformance.GoSide;

namespace Conformance.Tests.GoSide;

/// <summary>A fact that needs Go 1.19: it installs Go with scripts/install-peers.sh when missing, and is skipped, with
/// the reason stated, only when Go can be neither found nor installed.</summary>
public sealed class GoFactAttribute : FactAttribute
{
    private static readonly Lazy<(GoToolchain? Go, string Reason)> Toolchain = new(() =>
    {
        var go = GoToolchain.Find(install: true, out var reason);
        return (go, reason);
    });

    public GoFactAttribute()
    {
        if (Toolchain.Value.Go is null) Skip = $"Go 1.19 is needed and could not be installed: {Toolchain.Value.Reason}";
    }

    public static GoToolchain Go => Toolchain.Value.Go ?? throw new InvalidOperationException(Toolchain.Value.Reason);
}
