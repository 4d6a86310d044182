namespace Conformance.GoSide;

/// <summary>One workload on one GOMAXPROCS: the verdict, with the workload's index in the batch.</summary>
public sealed record VsGoResult(int Workload, int Procs, VsGoVerdict Verdict, TimeSpan Elapsed, int Attempts);
