using Conformance.Isolation;

namespace Conformance.Tests.Isolation;

/// <summary>One worker process as the pool sees it: how it ended and what it last said on stderr.</summary>
public class WorkerProcessTests
{
    [Fact]
    public void A_worker_that_dies_of_an_unhandled_exception_is_seen_as_SIGABRT_with_its_last_words()
    {
        using var trace = SharedTraceFile.Create(99, slots: 2, capacity: 16);
        using var w = WorkerProcess.Start(WorkerLaunch.Current, trace.Path, TimeSpan.FromSeconds(60));
        // A frame the worker never expects: it throws out of its loop, and the CLR aborts the process.
        Assert.True(w.TrySend(FrameType.Ran, WorkerProtocol.Ran(1, 0)));
        var end = w.Receive(TimeSpan.FromSeconds(30));
        Assert.NotNull(end);
        Assert.True(end.IsEnd);
        var code = w.WaitForExit(TimeSpan.FromSeconds(30));
        Assert.Equal(134, code);
        Assert.Equal("SIGABRT", ExitStatus.Signal(code!.Value));
        Assert.Contains(w.StderrTail(), l => l.Contains("Unhandled exception") && l.Contains("InvalidDataException"));
    }
}
