using System.CommandLine;

namespace Conformance.Cli;

/// <summary>`checker replay`. Not built yet: its issue owns this file.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var command = new Command("replay", "(not built yet)");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("checker replay: not built yet");
            return CheckerCli.ExitBadInput;
        });
        return command;
    }
}
