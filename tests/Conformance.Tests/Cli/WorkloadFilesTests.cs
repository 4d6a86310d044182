using Conformance.Cli;
using Model.Workload;

namespace Conformance.Tests.Cli;

/// <summary>Reading workload files (the model's parser does no I/O).</summary>
public sealed class WorkloadFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("checker-wl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_missing_file_is_bad_input_with_its_name_and_no_position()
    {
        var e = Assert.Throws<WorkloadException>(() => WorkloadFiles.Read("/nonexistent/x.wl"));
        Assert.StartsWith("/nonexistent/x.wl: cannot read workload file: ", e.Message);
        Assert.False(e.Pos.IsKnown);
    }

    [Fact]
    public void A_parse_error_names_the_file_line_and_column()
    {
        var path = Path.Combine(_dir, "bad.wl");
        File.WriteAllText(path, "main {\n  yeild\n}\n");
        var e = Assert.Throws<WorkloadException>(() => WorkloadFiles.Read(path));
        Assert.StartsWith($"{path}:2:3: ", e.Message);
    }

    [Fact]
    public void A_good_file_parses_as_its_text_does()
    {
        var path = Path.Combine(_dir, "ok.wl");
        const string text = "main { go w; yield }\nw { exit }\n";
        File.WriteAllText(path, text);
        Assert.Equal(WorkloadPrinter.Print(WorkloadParser.Parse(text)), WorkloadPrinter.Print(WorkloadFiles.Read(path)));
    }
}
