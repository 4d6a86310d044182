using System.CommandLine;
using Conformance.Isolation;

namespace Conformance.Cli;

/// <summary>`checker worker --trace FILE --parent PID`: the hidden verb a worker process runs (<see cref="WorkerMain"/>).
/// Not for people: its stdin and stdout speak <see cref="WorkerProtocol"/>.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var trace = new Option<string>("--trace") { Description = "the shared trace file the checker created", Required = true };
        var parent = new Option<int>("--parent") { Description = "the checker's process id (the worker leaves when it is gone)" };
        var command = new Command("worker", "Run checked runs for a checker process (internal).") { trace, parent };
        command.Hidden = true;
        command.SetAction(parse => WorkerMain.Run(parse.GetValue(trace)!, parse.GetValue(parent)));
        return command;
    }
}
