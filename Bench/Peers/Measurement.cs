namespace Bench.Peers;

/// <summary>
/// One measured figure, or the reason there is none. A missing figure is never zero or made up: it is a
/// <see cref="Note"/> such as "n/a (not built yet)" or "failed: go build exited 1".
/// </summary>
public sealed record Measurement(double? Value, string? Note)
{
    /// <summary>A measured value.</summary>
    public static Measurement Of(double value) =>
        double.IsFinite(value) ? new(value, null) : new(null, "failed: not a finite number");

    /// <summary>No value, with the reason.</summary>
    public static Measurement Missing(string note) => new(null, note);

    /// <summary>The note every scheduler row shows until the runtime it measures exists.</summary>
    public static Measurement NotBuiltYet { get; } = Missing("n/a (not built yet)");

    /// <summary>True when there is a number.</summary>
    public bool HasValue => Value is not null;

    /// <summary>Runs <paramref name="measure"/>, turning an exception into a "failed: ..." note.</summary>
    public static Measurement Try(Func<double> measure)
    {
        try
        {
            return Of(measure());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Missing("failed: " + OneLine(e.Message));
        }
    }

    internal static string OneLine(string s)
    {
        var line = s.ReplaceLineEndings(" ").Trim();
        return line.Length <= 120 ? line : line[..117] + "...";
    }
}
