// Entry point of the `checker` command. See Cli/CheckerCli.cs for the verbs.
return Conformance.Cli.CheckerCli.Run(args);
