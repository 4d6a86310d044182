using System.CommandLine;

namespace Conformance.Cli;

/// <summary>`checker mutants`. Not built yet: its issue owns this file.</summary>
public static class MutantsCommand
{
    public static Command Create()
    {
        var command = new Command("mutants", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("checker mutants: not built yet");
            return CheckerCli.ExitBadInput;
        });
        return command;
    }
}
