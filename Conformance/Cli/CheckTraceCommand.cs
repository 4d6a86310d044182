using System.CommandLine;
using Conformance.GoSide;
using Conformance.Refinement;
using Model.Workload;

namespace Conformance.Cli;

/// <summary>
/// `checker check-trace TRACE --workload FILE`: checks a trace that another runtime wrote against the model. A JSON
/// trace (docs/trace-format.schema.json, the format of `checker run --trace`) goes through the refinement checker
/// event by event, with the abstraction its own "pcs" table describes; a partial trace is checked as a prefix, and
/// the outcome only when the file states one. A Go 1.19 binary trace is checked on its status projection (every
/// status change an edge of the model's table; a goroutine whose start function names a body, main.w{K}b{I} or
/// main.{body}, must follow that body). Exit codes: 0 the trace is a behaviour of the model, 1 it is not (the
/// message names the first bad event), 2 bad input.
/// </summary>
public static class CheckTraceCommand
{
    public static Command Create()
    {
        var trace = new Argument<string>("trace") { Description = "a JSON trace (checker run --trace) or a Go 1.19 binary trace" };
        var workload = new Option<string>("--workload") { Description = "the workload the runtime ran", Required = true };
        var command = new Command("check-trace", "Check a trace written by another runtime against the model.") { trace, workload };
        command.SetAction(parse => Execute(parse.GetValue(trace)!, parse.GetValue(workload)!, Console.Out, Console.Error));
        return command;
    }

    public static int Execute(string tracePath, string workloadPath, TextWriter o, TextWriter err)
    {
        Workload w;
        try { w = WorkloadFiles.Read(workloadPath); }
        catch (WorkloadException e) { return Bad(err, $"--workload: {e.Message}"); }
        var problems = WorkloadValidator.Problems(w);
        if (problems.Count > 0) return Bad(err, $"--workload: {workloadPath}: {string.Join("; ", problems)}");
        byte[] head;
        try
        {
            using var f = File.OpenRead(tracePath);
            head = new byte[16];
            head = head[..f.Read(head)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Bad(err, $"cannot read '{tracePath}': {e.Message}");
        }
        return head.AsSpan().StartsWith("go 1."u8) ? CheckGo(tracePath, w, o, err) : CheckJson(tracePath, w, o, err);
    }

    private static int CheckJson(string path, Workload w, TextWriter o, TextWriter err)
    {
        JsonTraceFile t;
        try { t = JsonTraceFile.Read(path); }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return Bad(err, $"{path}: {e.Message}");
        }
        var config = Campaigns.Conformer.ModelConfig(Campaigns.RunSpec.Of(w, t.Procs, 0), t.Events) with { Sysmon = t.Sysmon || t.Procs > 1 };
        var verdict = new RefinementChecker(w, config).Check(t.Events, t.Abstraction, t.Outcome);
        // A partial trace may stop inside a model step: when every event it has matched the step so far, it refines.
        var endsInsideStep = t.Truncated && verdict.Violation is { } cut && cut.Message.Contains("recorded nothing more", StringComparison.Ordinal);
        if (verdict.Violation is { } v && !endsInsideStep)
        {
            o.WriteLine($"{path}: NOT a behaviour of the model: {v.Verdict}");
            if (v.Expected is { } expected) o.WriteLine($"  the model expected: {expected}");
            return CheckerCli.ExitViolation;
        }
        var partial = t.Truncated || verdict.FinalState.Outcome == Model.Outcome.Running;
        var refined = endsInsideStep ? t.Events.Count : verdict.EventsChecked;
        o.WriteLine($"{path}: a behaviour of the model: {refined} of {t.Events.Count} events refine it on {t.Procs} P{(t.Procs == 1 ? "" : "s")}" +
                    (partial ? " (a partial trace: checked as a prefix)" : $"; outcome {verdict.ModelOutcome.Kind}{(t.Outcome is null ? " (the file states none to compare)" : ", agreed")}"));
        return CheckerCli.ExitOk;
    }

    private static int CheckGo(string path, Workload w, TextWriter o, TextWriter err)
    {
        GoTrace t;
        try { t = GoTraceReader.ReadFile(path); }
        catch (GoTraceException e) { return Bad(err, e.Message); }
        var (ok, message) = GoTraceCheck.Check(t, w);
        o.WriteLine($"{path}: {(ok ? "a behaviour of the model on its status projection" : "NOT a behaviour of the model")}: {message}");
        return ok ? CheckerCli.ExitOk : CheckerCli.ExitViolation;
    }

    private static int Bad(TextWriter err, string message)
    {
        err.WriteLine($"checker check-trace: {message}");
        return CheckerCli.ExitBadInput;
    }
}
