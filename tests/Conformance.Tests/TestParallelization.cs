// The CLI tests capture Console.Out and Console.Error (Console.SetOut is process-wide), and several other test classes
// run code that writes to the console (campaigns, vs-go, reports). Run in parallel, one class's lines landed in
// another's captured output (a `check --json` test once read a stray line before its JSON). The tests of this
// assembly therefore run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
