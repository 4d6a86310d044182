// Entry point of the benchmark suites and the side-by-side peer comparison.
//   peers [--quick] [--json] [--out DIR]   Checker against Go, .NET and the C/C++ switches, one table + chart
//   suites [BenchmarkDotNet args]          the BenchmarkDotNet classes (e.g. suites --filter '*Switch*')
//   native                                 NativeQuick: the stubs on their own, against a hand-written switch
//   memory ours|dotnet-async [count]       one resident-set figure, in this fresh process (used by peers)
using Bench;

return BenchProgram.Run(args, Console.Out, Console.Error);
