namespace Conformance.GoSide;

/// <summary>
/// The Go program for a batch of workloads, as source files (name → text), with what the comparison needs to read a
/// run back: which source line of which workload holds which <c>acquire</c> (to name the semaphore a goroutine of
/// Go's deadlock dump waits on).
/// </summary>
public sealed class GoProgram
{
    public required IReadOnlyList<Model.Workload.Workload> Workloads { get; init; }
    public required IReadOnlyDictionary<string, string> Files { get; init; }
    /// <summary>Per workload: line of workloads.go → index of the semaphore acquired there.</summary>
    public required IReadOnlyList<IReadOnlyDictionary<int, int>> AcquireLines { get; init; }
    /// <summary>Per workload: line of workloads.go → the channel op (send, recv, or the select, for its header and each
    /// case line) written there, to name what a goroutine of Go's deadlock dump waits on.</summary>
    public IReadOnlyList<IReadOnlyDictionary<int, Model.Workload.Op>> ChanLines { get; init; } = [];

    /// <summary>The Go variable of channel <paramref name="chan"/> (its declaration index) of workload <paramref name="k"/>.</summary>
    public static string ChanVariable(int k, int chan) => $"c{k}_{chan}";

    /// <summary>The Go function a body of workload <paramref name="k"/> starts in (the start function the trace names).</summary>
    public static string BodyFunction(int k, int body) => $"w{k}b{body}";

    /// <summary>The start function of the harness's watchdog goroutine.</summary>
    public const string SentinelFunction = "main.checkerSentinel";

    /// <summary>Writes the files into <paramref name="dir"/> (created if missing).</summary>
    public void WriteTo(string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in Files) File.WriteAllText(Path.Combine(dir, name), text);
    }
}
