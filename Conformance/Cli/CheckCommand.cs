using System.CommandLine;

namespace Conformance.Cli;

/// <summary>`checker check`. Not built yet: its issue owns this file.</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var command = new Command("check", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("checker check: not built yet");
            return CheckerCli.ExitBadInput;
        });
        return command;
    }
}
