// Entry point of the `checker` command. See Cli/CheckerCli.cs for the verbs.
// A worker process (the hidden verb `worker`, started by Isolation.WorkerPool) skips the command-line library: it
// starts once per worker, and every method it does not JIT is start-up time saved.
if (args is ["worker", "--trace", var trace, "--parent", var parent] && int.TryParse(parent, out var pid))
    return Conformance.Isolation.WorkerMain.Run(trace, pid);
return Conformance.Cli.CheckerCli.Run(args);
