using System.CommandLine;

namespace Conformance.Cli;

/// <summary>
/// The `checker` command line. Each verb lives in its own file and builds its own <see cref="Command"/>.
/// Exit codes shared by all verbs: 0 everything conformed (or the workload completed), 1 a violation was found,
/// 2 bad input or usage; `run` adds 3 for a deadlock and 4 for a fatal runtime error; 70 means the checker itself failed.
/// </summary>
public static class CheckerCli
{
    public const int ExitOk = 0;
    public const int ExitViolation = 1;
    public const int ExitBadInput = 2;
    public const int ExitDeadlock = 3;
    public const int ExitFatal = 4;
    /// <summary>The checker itself failed (an unexpected exception): not a verdict about the runtime or the input.</summary>
    public const int ExitInternalError = 70;

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "checker: holds a real M:N goroutine runtime against a specification of Go's scheduler.\n" +
            "With no arguments it runs the default campaign.");
        root.Subcommands.Add(ExploreCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        root.Subcommands.Add(MutantsCommand.Create());
        root.Subcommands.Add(GoTraceCommand.Create());
        root.Subcommands.Add(VsGoCommand.Create());
        root.Subcommands.Add(CheckTraceCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        var isolation = new IsolationOptions();
        isolation.AddTo(root);
        root.SetAction(parse =>
        {
            using var pool = isolation.Pool(parse);
            return DefaultCampaign.Run(pool);
        });
        return root;
    }

    public static int Run(string[] args)
    {
        var result = Build().Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors) Console.Error.WriteLine($"checker: {error.Message}");
            Console.Error.WriteLine("checker: see 'checker --help'");
            return ExitBadInput;
        }
        try
        {
            return result.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // A bug in the checker itself: never exit 1 (that means "a violation was found") or 2 ("bad input").
            Console.Error.WriteLine($"checker: internal error: {e}");
            return ExitInternalError;
        }
    }
}
