namespace Conformance.Cli;

/// <summary>The `checker` command line. Exit codes: 0 conformed, 1 violation, 2 bad input (run: 3 deadlock, 4 fatal).</summary>
public static class CheckerCli
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("checker: not built yet");
        return 2;
    }
}
