using System.Collections.Immutable;
using Conformance.Campaigns;
using Conformance.Isolation;
using Conformance.Refinement;
using Implementation.Trace;
using Model.Workload;

namespace Conformance.Tests.Isolation;

/// <summary>The worker protocol carries a run request and a verdict whole, and frames end cleanly at a closed pipe.</summary>
public class WorkerProtocolTests
{
    private static readonly Workload W = WorkloadParser.Parse("main {\n  go w\n  acquire s\n}\nw {\n  call 64 { yield }\n  release s\n}\n");

    [Fact]
    public void A_run_request_round_trips()
    {
        var spec = new RunSpec(W, 4, ulong.MaxValue - 3, [0, 1, -2, 300_000], "RunqPutIgnoresNext") { Timeout = TimeSpan.FromMilliseconds(1500) };
        var (id, back) = WorkerProtocol.ReadRun(WorkerProtocol.Run(42, spec));
        Assert.Equal(42, id);
        Assert.Equal(WorkloadPrinter.Print(spec.Workload), WorkloadPrinter.Print(back.Workload));
        Assert.Equal((spec.Procs, spec.Seed, spec.Mutant, spec.Timeout), (back.Procs, back.Seed, back.Mutant, back.Timeout));
        Assert.Equal(spec.Choices.ToArray(), back.Choices.ToArray());
    }

    [Fact]
    public void A_verdict_round_trips_with_every_field_of_its_violation()
    {
        var ev = new TraceEvent { Seq = 9, M = 2, P = 1, G = 5, A = -1, B = long.MaxValue, C = 3, D = 4 };
        var v = new Violation(ViolationKind.StateMismatch, "g5's sp differs", 17, ev, "GobufSave g5 ...",
            new StateView([new("g5.status", "Runnable"), new("p0.runq", "[g5]")]), new StateView([new("g5.status", "Running")]), "I7")
        {
            Crash = new CrashDetails("killed by SIGABRT (exit status 134)", 134, "SIGABRT", "checking the trace", ["malloc(): corrupted top size"], 1234, TimeSpan.FromMilliseconds(250)),
        };
        var model = new Conformance.Refinement.Outcome(OutcomeKind.Deadlock, [1, 3], ImmutableSortedDictionary<long, string>.Empty.Add(2, "done"), "detail");
        var result = new CheckResult(W, 2, 77, [1, 0, 1], "", [ev, ev], 123, model, Conformance.Refinement.Outcome.Completed([1, 2]), v, TimeSpan.FromTicks(98765));
        var spec = new RunSpec(W, 2, 77, []);
        foreach (var withTrace in new[] { false, true })
        {
            var (id, back, trace, recycle) = WorkerProtocol.ReadResult(WorkerProtocol.Result(5, result, withTrace, recycle: true), spec);
            Assert.Equal(5, id);
            Assert.True(recycle);
            Assert.Equal(withTrace ? result.Trace : null, trace);
            Assert.Equal(result.EventsChecked, back.EventsChecked);
            Assert.Equal(result.Choices.ToArray(), back.Choices.ToArray());
            Assert.Equal(result.Elapsed, back.Elapsed);
            Assert.Equal(model.ToString(), back.ModelOutcome!.ToString());
            Assert.True(model.AgreesWith(back.ModelOutcome));
            Assert.Equal(result.RuntimeOutcome!.ToString(), back.RuntimeOutcome!.ToString());
            var bv = back.Violation!;
            Assert.Equal((v.Kind, v.Message, v.EventIndex, v.Expected, v.Invariant), (bv.Kind, bv.Message, bv.EventIndex, bv.Expected, bv.Invariant));
            Assert.Equal(ev, bv.Event);
            Assert.Equal(v.ModelState!.ToString(), bv.ModelState!.ToString());
            Assert.Equal(v.RuntimeState!.ToString(), bv.RuntimeState!.ToString());
            Assert.Equal(v.Crash.Status, bv.Crash!.Status);
            Assert.Equal(v.Crash.StderrTail.ToArray(), bv.Crash.StderrTail.ToArray());
            Assert.Equal((v.Crash.ExitCode, v.Crash.Signal, v.Crash.Phase, v.Crash.Pid, v.Crash.AfterRequest),
                (bv.Crash.ExitCode, bv.Crash.Signal, bv.Crash.Phase, bv.Crash.Pid, bv.Crash.AfterRequest));
        }
    }

    [Fact]
    public void The_protocol_covers_every_property_of_a_violation()
    {
        // A new property on Violation or CrashDetails must be written by WorkerProtocol too (then update this count).
        Assert.Equal(9, typeof(Violation).GetProperties().Count(p => p.Name is not ("Verdict" or "Signature" or "EqualityContract")));
        Assert.Equal(7, typeof(CrashDetails).GetProperties().Count(p => p.Name != "EqualityContract"));
    }

    [Fact]
    public void A_frame_cut_short_reads_as_the_end()
    {
        var ms = new MemoryStream();
        WorkerProtocol.WriteFrame(ms, FrameType.Ran, WorkerProtocol.Ran(3, 10));
        var bytes = ms.ToArray();
        var whole = WorkerProtocol.ReadFrame(new MemoryStream(bytes));
        Assert.Equal(FrameType.Ran, whole.Type);
        Assert.Equal((3L, 10), WorkerProtocol.ReadRan(whole.Payload));
        Assert.True(WorkerProtocol.ReadFrame(new MemoryStream(bytes[..^2])).IsEnd);
        Assert.True(WorkerProtocol.ReadFrame(new MemoryStream()).IsEnd);
    }
}
