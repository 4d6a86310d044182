using System.Reflection;
using System.Security.Cryptography;

namespace Conformance.Replay;

/// <summary>
/// Names the build a verdict came from: a hash of the module version ids of the checker, the model and the runtime.
/// The build is deterministic, so the same sources give the same id, and any change to either side gives a new one.
/// </summary>
public static class BuildId
{
    private static readonly Lazy<string> _current = new(Compute);

    /// <summary>Twelve hex digits naming this build.</summary>
    public static string Current => _current.Value;

    private static string Compute()
    {
        Assembly[] parts =
        [
            typeof(BuildId).Assembly,                               // checker (Conformance)
            typeof(Model.Workload.Workload).Assembly,               // Model
            typeof(Implementation.Trace.TraceEvent).Assembly,       // Implementation (and through it Native)
        ];
        var bytes = parts.SelectMany(a => a.ManifestModule.ModuleVersionId.ToByteArray()).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];
    }
}
