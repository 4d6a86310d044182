using System.Globalization;
using Bench.Peers;

namespace Bench.Rendering;

/// <summary>Number formatting shared by the text, Markdown and SVG renderings (invariant culture throughout).</summary>
public static class Format
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A value in its unit: ns to three significant digits (2.25, 49.1, 134), bytes as whole numbers (2,722).</summary>
    public static string Value(double v, string unit) => unit == "bytes"
        ? Math.Round(v).ToString("#,0", Inv)
        : Significant(v, 3);

    /// <summary>A measurement or its note.</summary>
    public static string Cell(Measurement m, string unit) => m.Value is double v ? Value(v, unit) : m.Note ?? "n/a";

    /// <summary>A ratio to about two significant digits with a multiplication sign: 0.45×, 1.0×, 4.4×, 22×.</summary>
    public static string Ratio(double r) =>
        (r >= 10 ? Significant(r, 2) : r >= 1 ? r.ToString("0.0", Inv) : r.ToString("0.00", Inv)) + "×";

    /// <summary>Rounds to <paramref name="digits"/> significant digits, never in exponent notation.</summary>
    public static string Significant(double v, int digits)
    {
        if (v == 0 || !double.IsFinite(v)) return v.ToString(Inv);
        var magnitude = (int)Math.Floor(Math.Log10(Math.Abs(v))) + 1;
        var decimals = Math.Max(0, digits - magnitude);
        var rounded = Math.Round(v, Math.Min(decimals, 15));
        return rounded.ToString("#,0." + new string('#', decimals), Inv).TrimEnd('.');
    }

    /// <summary>The unit as a column suffix: "ns" or "bytes".</summary>
    public static string UnitLabel(string unit) => unit == "bytes" ? "bytes" : "ns";
}
