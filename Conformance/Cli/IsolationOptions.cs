using System.CommandLine;
using System.Globalization;
using Conformance.Isolation;

namespace Conformance.Cli;

/// <summary>
/// <c>--in-process</c> and <c>--workers N</c>, shared by the verbs that check runs (check, replay, mutants and the
/// default campaign): by default runs execute in a pool of worker processes, so that a crashing runtime is a verdict
/// and not the checker's end; <c>--in-process</c> runs them in the checker's own process, as before, for debugging.
/// </summary>
public sealed class IsolationOptions
{
    public Option<bool> InProcess { get; } = new("--in-process")
    {
        Description = "run the runtime inside the checker's own process (for debugging: a crashing runtime then takes the checker with it)",
    };

    public Option<int> Workers { get; } = new("--workers")
    {
        Description = $"worker processes that run the checked runs (default {WorkerPool.DefaultSize}: one per core)",
        DefaultValueFactory = _ => WorkerPool.DefaultSize,
        CustomParser = r =>
        {
            if (int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= WorkerPool.MaxSize)
                return n;
            r.AddError($"--workers: '{r.Tokens[0].Value}' is not a number of worker processes between 1 and {WorkerPool.MaxSize}");
            return 0;
        },
    };

    /// <summary>Adds both options to <paramref name="command"/> (only --in-process when <paramref name="withWorkers"/> is false).</summary>
    public void AddTo(Command command, bool withWorkers = true)
    {
        command.Options.Add(InProcess);
        if (withWorkers) command.Options.Add(Workers);
    }

    /// <summary>The pool the options ask for (null: in process). The caller disposes it.</summary>
    public WorkerPool? Pool(ParseResult parse, int? size = null) =>
        parse.GetValue(InProcess) ? null : new WorkerPool(size ?? parse.GetValue(Workers));
}
