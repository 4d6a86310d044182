using Model.Contract;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Implementation;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Cli;

/// <summary>
/// `checker run WORKLOAD-FILE [--procs N] [--trace FILE] [--json]`: runs a workload on the native runtime and prints
/// what happened. Exit codes: 0 completed, 2 bad input (file:line:column) or option, 3 deadlock, 4 fatal runtime error.
/// </summary>
public static class RunCommand
{
    /// <summary>Largest --procs accepted.</summary>
    public const int MaxProcs = 64;

    public static Command Create()
    {
        var file = new Argument<string>("workload") { Description = "the workload file (plain text; any name)" };
        var procs = new Option<string>("--procs") { Description = "GOMAXPROCS: the number of Ps (default 1)" };
        var trace = new Option<string>("--trace") { Description = "write the runtime's trace as JSON to this file" };
        var json = new Option<bool>("--json") { Description = "print the result as JSON" };
        var noSysmon = new Option<bool>("--no-sysmon") { Description = "do not run sysmon (no retaking of Ps in system calls)" };
        var command = new Command("run", "Run a workload on the native M:N runtime and report what happened.");
        command.Arguments.Add(file);
        command.Options.Add(procs);
        command.Options.Add(trace);
        command.Options.Add(json);
        command.Options.Add(noSysmon);
        command.SetAction(parse => Execute(parse.GetValue(file)!, parse.GetValue(procs), parse.GetValue(trace),
            parse.GetValue(json), parse.GetValue(noSysmon), Console.Out, Console.Error));
        return command;
    }

    /// <summary>The verb's work, with its output streams passed in (tests call it directly).</summary>
    public static int Execute(string path, string? procsText, string? tracePath, bool json, bool noSysmon, TextWriter stdout, TextWriter stderr)
    {
        var procs = 1;
        if (procsText != null &&
            (!int.TryParse(procsText, NumberStyles.None, CultureInfo.InvariantCulture, out procs) || procs < 1 || procs > MaxProcs))
        {
            stderr.WriteLine($"checker run: --procs: '{procsText}' is not a number of Ps between 1 and {MaxProcs}");
            return CheckerCli.ExitBadInput;
        }
        Workload workload;
        try
        {
            workload = WorkloadFiles.Read(path);
        }
        catch (WorkloadException e)
        {
            stderr.WriteLine($"checker run: {e.Message}");
            return CheckerCli.ExitBadInput;
        }
        var problems = WorkloadValidator.Problems(workload);
        if (problems.Count > 0)
        {
            foreach (var p in problems) stderr.WriteLine($"checker run: {path}: {p}");
            return CheckerCli.ExitBadInput;
        }

        var options = new RuntimeOptions { Procs = procs, Trace = tracePath != null, Sysmon = !noSysmon, Timeout = Timeout.InfiniteTimeSpan };
        var result = GoRuntime.Run(workload, options);
        var exit = result.Outcome switch
        {
            RunOutcome.Completed => CheckerCli.ExitOk,
            RunOutcome.Deadlock => CheckerCli.ExitDeadlock,
            _ => CheckerCli.ExitFatal,
        };

        if (tracePath != null && result.Trace != null)
        {
            try
            {
                WriteTrace(tracePath, result, !noSysmon);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"checker run: --trace: cannot write '{tracePath}': {e.Message}");
                return CheckerCli.ExitBadInput;
            }
        }

        if (json) WriteJson(stdout, path, result, exit);
        else WriteHuman(stdout, path, result);
        if (result.Outcome != RunOutcome.Completed) stderr.WriteLine(result.Message);
        return exit;
    }

    private static void WriteHuman(TextWriter o, string path, RunResult r)
    {
        var c = r.Counters;
        var what = r.Outcome switch
        {
            RunOutcome.Completed => "completed",
            RunOutcome.Deadlock => "deadlocked",
            _ => "failed with a fatal error",
        };
        o.WriteLine($"{path}: {what} on {r.Procs} P{(r.Procs == 1 ? "" : "s")}");
        o.WriteLine($"  goroutines created  {c.Created}");
        o.WriteLine($"  switches            {c.Switches}");
        o.WriteLine($"  syscalls            {c.Syscalls} ({c.SyscallSlowPaths} slow path, {c.Retakes} Ps retaken)");
        o.WriteLine($"  preemptions         {c.Preemptions} (sysmon asked {c.PreemptRequests} times; a g in a call-free work loop cannot be stopped)");
        o.WriteLine($"  steals              {c.Steals}");
        o.WriteLine($"  threads (Ms)        {c.Ms}");
        o.WriteLine($"  elapsed             {r.Elapsed.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms");
        if (r.Blocked.Count > 0) o.WriteLine($"  blocked goroutines  {r.Blocked.Count}");
    }

    private static void WriteJson(TextWriter o, string path, RunResult r, int exit)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            var c = r.Counters;
            w.WriteStartObject();
            w.WriteString("file", path);
            w.WriteString("outcome", r.Outcome.ToString().ToLowerInvariant());
            w.WriteNumber("exitCode", exit);
            w.WriteString("message", r.Message);
            w.WriteNumber("procs", r.Procs);
            w.WriteNumber("created", c.Created);
            w.WriteNumber("switches", c.Switches);
            w.WriteNumber("syscalls", c.Syscalls);
            w.WriteNumber("syscallSlowPaths", c.SyscallSlowPaths);
            w.WriteNumber("retakes", c.Retakes);
            w.WriteNumber("preemptRequests", c.PreemptRequests);
            w.WriteNumber("preemptions", c.Preemptions);
            w.WriteNumber("handoffs", c.Handoffs);
            w.WriteNumber("steals", c.Steals);
            w.WriteNumber("ms", c.Ms);
            w.WriteNumber("elapsedMs", r.Elapsed.TotalMilliseconds);
            w.WriteStartArray("blocked");
            foreach (var b in r.Blocked)
            {
                w.WriteStartObject();
                w.WriteNumber("goid", b.Goid);
                w.WriteString("body", b.Body);
                w.WriteString("waitReason", b.WaitReason);
                w.WriteString("semaphore", b.Semaphore);
                if (b.At is { } at) w.WriteString("at", r.Symbols.Points.Describe(at));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        o.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }

    /// <summary>The trace as JSON: the run's shape, the symbol table, and every event in sequence order.</summary>
    private static void WriteTrace(string path, RunResult r, bool sysmon)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartObject();
        w.WriteNumber("procs", r.Procs);
        w.WriteBoolean("truncated", r.TraceTruncated);
        w.WriteStartArray("bodies");
        for (var b = 0; b < r.Symbols.BodyEntries.Count; b++)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Symbols.Workload.Bodies[b].Name);
            w.WriteString("entry", $"0x{r.Symbols.BodyEntries[b]:x}");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("resumePoints");
        foreach (var (pc, point) in r.Symbols.ResumePoints.OrderBy(kv => kv.Key))
            w.WriteString($"0x{pc:x}", point.ToString());
        w.WriteEndObject();
        w.WriteBoolean("sysmon", sysmon);
        w.WriteString("abstraction", "native");
        // Every pc a gobuf event carries, with what it means to the model (see docs/trace-format.schema.json).
        var abs = Refinement.Abstraction.Native(r.Symbols);
        w.WriteStartObject("pcs");
        var seen = new HashSet<long>();
        foreach (var e in r.Trace!)
        {
            var pc = e.Kind == EventKind.GobufSave ? e.B : e.Kind == EventKind.GobufLoad ? e.A : -1;
            if (pc < 0 || !seen.Add(pc)) continue;
            if (e.Kind == EventKind.GoCreate) abs.Observe(e);
            var code = abs.PcCode(pc, e.G);
            if (code >= 0) w.WriteString($"0x{pc:x}", GoSide.JsonAbstraction.Name(code));
        }
        w.WriteEndObject();
        w.WriteStartArray("events");
        foreach (var e in r.Trace!)
        {
            w.WriteStartObject();
            Reports.JsonReport.WriteEventFields(w, e);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
