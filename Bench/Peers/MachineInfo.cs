using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Bench.Peers;

/// <summary>The machine and toolchains a comparison ran on. Unknown fields read "unknown", never guessed.</summary>
public sealed record MachineInfo(
    string Cpu, int Cores, string Os, string Kernel, string DotNet, string Go, string Gcc, string Boost)
{
    /// <summary>The fields in display order, with their JSON names.</summary>
    public IEnumerable<(string Key, string Value)> Entries()
    {
        yield return ("cpu", Cpu);
        yield return ("cores", Cores.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("os", Os);
        yield return ("kernel", Kernel);
        yield return ("dotnet", DotNet);
        yield return ("go", Go);
        yield return ("gcc", Gcc);
        yield return ("boost", Boost);
    }

    /// <summary>Describes this machine: /proc/cpuinfo, /etc/os-release, the kernel release, and each tool's own version output.</summary>
    public static MachineInfo Describe(Toolchain tools) => new(
        Cpu: CpuModel(),
        Cores: Environment.ProcessorCount,
        Os: OsName(),
        Kernel: ReadTrimmed("/proc/sys/kernel/osrelease") ?? RuntimeInformation.OSDescription,
        DotNet: RuntimeInformation.FrameworkDescription,
        Go: tools.GoVersion ?? "not installed",
        Gcc: tools.GccVersion ?? "not installed",
        Boost: tools.BoostVersion ?? "not installed");

    static string CpuModel()
    {
        var text = ReadTrimmed("/proc/cpuinfo");
        var m = text is null ? null : Regex.Match(text, @"^model name\s*:\s*(.+)$", RegexOptions.Multiline);
        var model = m is { Success: true } ? m.Groups[1].Value.Trim() : RuntimeInformation.ProcessArchitecture.ToString();
        var flags = text is null ? null : Regex.Match(text, @"^flags\s*:\s*(.+)$", RegexOptions.Multiline);
        var avx512 = flags is { Success: true } && flags.Groups[1].Value.Split(' ').Contains("avx512f");
        return avx512 ? model + " (AVX-512)" : model;
    }

    static string OsName()
    {
        var text = ReadTrimmed("/etc/os-release");
        var m = text is null ? null : Regex.Match(text, "^PRETTY_NAME=\"?([^\"\\n]+)\"?$", RegexOptions.Multiline);
        return m is { Success: true } ? m.Groups[1].Value : RuntimeInformation.OSDescription;
    }

    static string? ReadTrimmed(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
