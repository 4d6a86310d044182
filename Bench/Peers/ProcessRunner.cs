using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Bench.Peers;

/// <summary>Runs a child process to completion with a timeout and captures its output.</summary>
public static partial class ProcessRunner
{
    /// <summary>What a finished child process printed.</summary>
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; kills it (and its children) after <paramref name="timeout"/>.</summary>
    public static Result Run(string file, IEnumerable<string> args, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout.TotalSeconds:0} s");
        }
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a command that must succeed; a non-zero exit becomes an exception carrying its stderr.</summary>
    public static string RunChecked(string file, IEnumerable<string> args, TimeSpan timeout,
        string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var r = Run(file, args, timeout, workingDirectory, environment);
        if (r.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} exited {r.ExitCode}: {Measurement.OneLine(r.StdErr.Length > 0 ? r.StdErr : r.StdOut)}");
        return r.StdOut;
    }

    /// <summary>
    /// Reads the "RESULT &lt;operation&gt; &lt;value&gt; &lt;unit&gt;" line every peer program prints
    /// (peers/c, peers/go, and this program's own <c>memory</c> verb).
    /// </summary>
    public static double ParseResult(string stdout, string operation)
    {
        foreach (Match m in ResultLine().Matches(stdout))
        {
            if (m.Groups[1].Value == operation)
                return double.Parse(m.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        throw new FormatException($"no 'RESULT {operation}' line in: {Measurement.OneLine(stdout)}");
    }

    [GeneratedRegex(@"^RESULT (\S+) ([-+0-9.eE]+) (\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
