using System.CommandLine;

namespace Conformance.Cli;

/// <summary>`checker run`. Not built yet: its issue owns this file.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("checker run: not built yet");
            return CheckerCli.ExitBadInput;
        });
        return command;
    }
}
