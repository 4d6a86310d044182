using System.Globalization;
using System.Text.RegularExpressions;

namespace Conformance.Cli;

/// <summary>Parsers for the option values of the verbs, each returning a message that names the option on bad input.</summary>
public static partial class OptionParsing
{
    /// <summary>Largest GOMAXPROCS accepted (the runtime's Ps are OS threads on a 2-core machine).</summary>
    public const int MaxProcs = 64;

    /// <summary>"1,2,4" → [1, 2, 4]: distinct, each 1..<see cref="MaxProcs"/>.</summary>
    public static bool TryParseProcs(string text, out IReadOnlyList<int> procs, out string error)
    {
        var list = new List<int>();
        procs = list;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p < 1 || p > MaxProcs)
            {
                error = $"--procs: '{part}' is not a number of Ps between 1 and {MaxProcs} (write a list such as 1,2,4)";
                return false;
            }
            if (!list.Contains(p)) list.Add(p);
        }
        error = "";
        return true;
    }

    [GeneratedRegex(@"^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$")]
    private static partial Regex DurationPattern();

    /// <summary>"90", "90s", "1m30s", "2m", "500ms", "1h" → a positive duration (a bare number is seconds).</summary>
    public static bool TryParseDuration(string option, string text, out TimeSpan duration, out string error)
    {
        duration = default;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var secs))
        {
            duration = TimeSpan.FromSeconds(secs);
        }
        else
        {
            var m = DurationPattern().Match(text);
            if (!m.Success || text.Length == 0)
            {
                error = $"{option}: '{text}' is not a duration (write 90, 90s, 1m30s, 2m or 500ms)";
                return false;
            }
            double Num(int g) => m.Groups[g].Success ? double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
            duration = TimeSpan.FromHours(Num(1)) + TimeSpan.FromMinutes(Num(2)) + TimeSpan.FromSeconds(Num(3)) + TimeSpan.FromMilliseconds(Num(4));
        }
        if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(1))
        {
            error = $"{option}: '{text}' must be more than zero and at most a day";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>A seed: decimal, or hex with 0x.</summary>
    public static bool TryParseSeed(string text, out ulong seed, out string error)
    {
        text = text.Trim();
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out seed)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
        error = ok ? "" : $"--seed: '{text}' is not a seed (a whole number from 0 to {ulong.MaxValue}, or hex such as 0x2a)";
        return ok;
    }
}
