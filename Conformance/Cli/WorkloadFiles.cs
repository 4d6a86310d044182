using Model.Workload;

namespace Conformance.Cli;

/// <summary>Reads workload files for the commands: the I/O the model's parser does not do (the specification is pure).</summary>
public static class WorkloadFiles
{
    /// <summary>Reads and parses <paramref name="path"/>. A file that cannot be read is a <see cref="WorkloadException"/>
    /// naming it ("cannot read workload file: ..."); a parse error names file:line:col.</summary>
    public static Workload Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WorkloadException($"cannot read workload file: {e.Message}", new SourcePos(0, 0), path);
        }
        return WorkloadParser.Parse(text, path);
    }
}
