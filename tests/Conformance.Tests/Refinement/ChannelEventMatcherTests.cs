using Conformance.Refinement;
using Implementation.Trace;
using Model;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>The event half of the abstraction compares every argument of the channel events, and says which.</summary>
public class ChannelEventMatcherTests
{
    private static TraceEvent T(SchedEvent e) => EventMatcher.ToTrace(e, 1, 0);

    public static TheoryData<SchedEvent, int, string> Changes() => new()
    {
        { new SchedEvent(EventKind.ChanSend, 0, 0, 1, 2, ChanValues.Of(1, 1), (long)ChanSendMode.Buffered, ChanContract.Pack(1, 1, 0)), 2, "value sent: the model has g1#1, the runtime g1#2" },
        { new SchedEvent(EventKind.ChanSend, 0, 0, 1, 2, ChanValues.Of(1, 1), (long)ChanSendMode.Buffered, ChanContract.Pack(1, 1, 0)), 3, "how: the model has Buffered, the runtime Direct" },
        { new SchedEvent(EventKind.ChanSend, 0, 0, 1, 2, ChanValues.Of(1, 1), (long)ChanSendMode.Buffered, ChanContract.Pack(1, 1, 0)), 4, "hchan after: the model has qcount 1, sendx 1, recvx 0, the runtime qcount 1, sendx 1, recvx 1" },
        { new SchedEvent(EventKind.ChanRecv, 0, 0, 3, 0, ChanValues.Of(1, 1), (long)ChanRecvMode.Direct, 0), 1, "channel: the model has 0, the runtime 1" },
        { new SchedEvent(EventKind.ChanEnqueue, 0, 0, 3, 0, 1, 1, -1), 4, "select case: the model has -1, the runtime 0" },
        { new SchedEvent(EventKind.ChanDequeueStale, 0, 0, 3, 0, 1, 5), 3, "stale sudog's goid: the model has 5, the runtime 6" },
        { new SchedEvent(EventKind.ChanClose, 0, 0, 3, 0, 2, 0), 2, "receivers released: the model has 2, the runtime 3" },
        { new SchedEvent(EventKind.ChanWoken, 0, 0, 3, 0, 0, 0, 1), 3, "success: the model has 0, the runtime 1" },
        { new SchedEvent(EventKind.Select, 0, 0, 3, 5, -1, 3, 0), 1, "poll order code: the model has 5, the runtime 6" },
        { new SchedEvent(EventKind.Select, 0, 0, 3, 5, -1, 3, 0), 2, "case taken: the model has none (park), the runtime case 0" },
        { new SchedEvent(EventKind.SelectWoken, 0, 0, 3, 1, 1, 1), 2, "sudogs dequeued in pass 3: the model has 1, the runtime 2" },
        { new SchedEvent(EventKind.GoUnblock, 0, 0, 3, 1, 0, ChanContract.UnblockByChannel), 3, "what it waited on: the model has channel 0, the runtime semaphore 0" },
        { new SchedEvent(EventKind.GoBlockRecv, 0, 0, 3, 0), 1, "channel: the model has 0, the runtime 1" },
        { new SchedEvent(EventKind.GoStop, 0, 0, 3, (long)StopReason.RecvNilChan, 2), 1, "why: the model has RecvNilChan, the runtime 3" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Every_argument_of_a_channel_event_is_compared(SchedEvent model, int arg, string why)
    {
        var runtime = T(model);
        Assert.Null(EventMatcher.Compare(model, runtime, Abstraction.Identity));
        switch (arg)
        {
            case 1: runtime.A += 1; break;
            case 2: runtime.B += 1; break;
            case 3: runtime.C = model.Kind == EventKind.GoUnblock ? 0 : runtime.C + 1; break;
            case 4: runtime.D = model.Kind == EventKind.ChanSend ? ChanContract.Pack(1, 1, 1) : runtime.D + 1; break;
        }
        Assert.Equal(why, EventMatcher.Compare(model, runtime, Abstraction.Identity));
    }
}
