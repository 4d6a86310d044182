namespace Model.Contract;

/// <summary>
/// What both sides share about timers, time.Sleep and the network poller (Go 1.19's time.go and netpoll.go).
/// Time is in microseconds, the unit of <c>sleep N</c> and <c>io N</c>. In controlled runs (and in the model) the
/// clock is virtual and starts at 0: it moves only by checkdead's timejump, as Go's faketime (the playground's) does,
/// so a run depends on its choices alone.
/// </summary>
public static class TimerContract
{
    /// <summary>GoUnblock's C when a timer readied the g (goroutineReady); A = 0 and B = -1 then.</summary>
    public const int UnblockByTimer = 2;

    /// <summary>Go's waitReasonSleep (runtime2.go): g.waitreason of a g parked by time.Sleep.</summary>
    public const int WaitReasonSleep = 19;

    /// <summary>The 4-ary heap's arity (time.go's siftupTimer/siftdownTimer).</summary>
    public const int HeapArity = 4;
}
