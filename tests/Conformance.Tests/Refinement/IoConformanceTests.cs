using Conformance.Campaigns;
using Conformance.Generators;
using Conformance.Refinement;
using Implementation;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>io N conforms, event for event and state for state, on 1, 2 and 4 Ps: the syscall-versus-io example,
/// and generated workloads of the IoWaiters and IoBesideSyscalls shapes.</summary>
[Collection("native runtime")]
public class IoConformanceTests
{
    private static CheckResult Check(Workload w, int procs, ulong seed)
    {
        var spec = RunSpec.Of(w, procs, seed: seed);
        return Conformer.Judge(spec, GoRuntime.Run(spec.Workload, Conformer.OptionsFor(spec)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Syscall_versus_io_conforms(int procs)
    {
        var w = WorkloadParser.Parse(File.ReadAllText(Path.Combine(Corpus.RepoRoot, "workloads", "syscall-vs-io.wl")));
        for (ulong seed = 1; seed <= 4; seed++)
        {
            var r = Check(w, procs, seed);
            Assert.True(r.Conforms, r.Verdict);
            Assert.Equal(OutcomeKind.Completed, r.RuntimeOutcome!.Kind);
        }
    }

    [Theory]
    [InlineData(WorkloadShape.IoWaiters, 1)]
    [InlineData(WorkloadShape.IoWaiters, 2)]
    [InlineData(WorkloadShape.IoWaiters, 4)]
    [InlineData(WorkloadShape.IoBesideSyscalls, 1)]
    [InlineData(WorkloadShape.IoBesideSyscalls, 2)]
    [InlineData(WorkloadShape.IoBesideSyscalls, 4)]
    public void Generated_io_workloads_conform(WorkloadShape shape, int procs)
    {
        var workloads = WorkloadGen.Sample(WorkloadGen.Of(shape), 10, seed: 7, count: 6);
        var split = 0;
        for (var i = 0; i < workloads.Length; i++)
        {
            var spec = RunSpec.Of(workloads[i], procs, seed: (ulong)i + 1);
            var run = GoRuntime.Run(spec.Workload, Conformer.OptionsFor(spec));
            var r = Conformer.Judge(spec, run);
            Assert.True(r.Conforms, WorkloadPrinter.Print(workloads[i]) + r.Verdict);
            split += run.Trace!.Count(e => e.Kind == Model.Contract.EventKind.InjectGlist && e.A > 0 && e.B > 0);
        }
        // With idle Ps, some injectglist splits its gs between the global and the local queue.
        if (shape == WorkloadShape.IoWaiters && procs > 1) Assert.True(split > 0, "no injectglist split");
    }
}
