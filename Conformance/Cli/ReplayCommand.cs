using System.CommandLine;
using Conformance.Campaigns;
using Conformance.Isolation;
using Conformance.Refinement;
using Conformance.Replay;
using Conformance.Reports;
using Model.Workload;
using Spectre.Console;

namespace Conformance.Cli;

/// <summary>`checker replay TOKEN`: runs the check a token names again and says whether the verdict is the same.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var token = new Argument<string>("TOKEN") { Description = "the replay token printed with a violation (starts with ck1)" };
        var reports = new Option<string?>("--reports") { Description = "write a report folder for the replayed verdict here" };
        var isolation = new IsolationOptions();
        var command = new Command("replay", "Run the check named by a replay token again and compare its verdict.") { token, reports };
        isolation.AddTo(command, withWorkers: false);
        command.SetAction(parse => Run(parse.GetValue(token)!, parse.GetValue(reports), parse.GetValue(isolation.InProcess)));
        return command;
    }

    /// <remarks>inProcess: Run in this process instead of a worker process (a crash then ends the checker).</remarks>
    public static int Run(string text, string? reportRoot, bool inProcess = false)
    {
        if (!ReplayToken.TryDecode(text, out var token, out var error))
        {
            Console.Error.WriteLine($"checker replay: TOKEN: {error}");
            return CheckerCli.ExitBadInput;
        }
        RunSpec spec;
        try { spec = RunSpec.From(token!); }
        catch (WorkloadException e)
        {
            Console.Error.WriteLine($"checker replay: TOKEN: the workload inside does not parse: {e.Message}");
            return CheckerCli.ExitBadInput;
        }
        if (token!.Mutant.Length > 0 && !Mutants.Names.Contains(token.Mutant))
        {
            Console.Error.WriteLine($"checker replay: TOKEN: names mutant '{token.Mutant}', which this build does not have");
            return CheckerCli.ExitBadInput;
        }
        if (token.Build != BuildId.Current)
            AnsiConsole.MarkupLine(Markup.Escape($"note: the token is from build {token.Build}, this is build {BuildId.Current}; the verdict may differ"));

        AnsiConsole.MarkupLine(Markup.Escape($"replaying: GOMAXPROCS {spec.Procs}, seed {spec.Seed}, {spec.Choices.Length} recorded choices" +
            (spec.Mutant.Length > 0 ? $", mutant {spec.Mutant}" : "")));
        AnsiConsole.WriteLine(WorkloadPrinter.Print(spec.Workload));
        CheckResult result;
        if (inProcess)
        {
            result = Conformer.Check(spec);
        }
        else
        {
            using var pool = new WorkerPool(1);
            result = pool.Check(spec);
        }
        AnsiConsole.MarkupLine(Markup.Escape($"verdict:  {result.Verdict}"));
        if (result.Violation?.Crash is { } crash)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"worker:   pid {crash.Pid}, {crash.Status}, while {crash.Phase}; {result.Trace.Length} trace events survived"));
            foreach (var line in crash.StderrTail.TakeLast(10)) AnsiConsole.MarkupLine(Markup.Escape($"  stderr: {line}"));
        }
        if (token.Verdict.Length > 0)
        {
            AnsiConsole.MarkupLine(Markup.Escape($"recorded: {token.Verdict}; now: {result.Signature}"));
            AnsiConsole.MarkupLine(result.Signature == token.Verdict ? "[green]reproduced: the same verdict[/]" : "[yellow]a different verdict[/]");
        }
        if (!result.Conforms && reportRoot is not null)
        {
            var folder = ReportWriter.Write(new ViolationReport(result, null, 0, "replay"), Conformer.Edges, new TransitionCoverage(), reportRoot);
            AnsiConsole.MarkupLine($"report: {Markup.Escape(Path.GetFullPath(folder))}");
        }
        return result.Conforms ? CheckerCli.ExitOk : CheckerCli.ExitViolation;
    }
}
