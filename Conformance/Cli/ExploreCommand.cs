using System.CommandLine;

namespace Conformance.Cli;

/// <summary>`checker explore`. Not built yet: its issue owns this file.</summary>
public static class ExploreCommand
{
    public static Command Create()
    {
        var command = new Command("explore", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("checker explore: not built yet");
            return CheckerCli.ExitBadInput;
        });
        return command;
    }
}
