using System.Globalization;

namespace Bench.Peers;

/// <summary>The process's resident set size, read from /proc/self (Linux).</summary>
public static class Rss
{
    /// <summary>Current resident set: the second field of /proc/self/statm, in bytes.</summary>
    public static long CurrentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>Peak resident set since the last <see cref="ResetPeak"/>: VmHWM from /proc/self/status, in bytes.</summary>
    public static long PeakBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("no VmHWM in /proc/self/status");
    }

    /// <summary>Resets VmHWM to the current resident set (writing 5 to /proc/self/clear_refs, Linux 4.0+).</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");
}
