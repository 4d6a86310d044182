namespace Model.Contract;

/// <summary>What both sides share about the network poller and <c>io N</c> (Go 1.19's netpoll.go, netpoll_epoll.go
/// and proc.go's findRunnable/injectglist).</summary>
public static class NetpollContract
{
    /// <summary>Go's waitReasonIOWait (runtime2.go): g.waitreason of a g parked by netpollblock.</summary>
    public const int WaitReasonIOWait = 2;

    /// <summary>GoUnblock's C when netpoll readied the g (traceGoUnpark in injectglist or findRunnable); A = 0 and
    /// B = the pollDesc id then.</summary>
    public const int UnblockByNet = 3;

    /// <summary>How many events one netpoll takes from epoll (netpoll_epoll.go's events [128]); the break fd's counts.</summary>
    public const int MaxEvents = 128;
}
