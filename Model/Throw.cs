namespace Model;

/// <summary>The fatal errors a step can end in: Go's throws and the channel panics (<see cref="ThrowExtensions.IsPanic"/>). Each carries Go's own message (<see cref="ThrowExtensions.Message"/>).</summary>
public enum Throw : byte
{
    /// <summary>No fatal error.</summary>
    None = 0,
    /// <summary>checkdead: every remaining g waits. Go's "all goroutines are asleep - deadlock!".</summary>
    Deadlock,
    /// <summary>newstack above the limit: "stack overflow" after "goroutine stack exceeds N-byte limit".</summary>
    StackOverflow,
    /// <summary>casgstatus given a scan bit, old == new, a status that is not the g's, or an edge not in the table.</summary>
    BadCasgstatus,
    /// <summary>ready on a g that is not waiting.</summary>
    BadReady,
    /// <summary>goschedImpl on a g that is not running.</summary>
    BadGosched,
    /// <summary>gfput on a g that is not dead.</summary>
    BadGfput,
    /// <summary>gopark on a g that is not running.</summary>
    BadGopark,
    /// <summary>runqputslow when the ring is not exactly full.</summary>
    RunqPutSlowNotFull,
    /// <summary>runqsteal would overflow the thief's ring.</summary>
    RunqStealOverflow,
    /// <summary>checkdead found a g that could run while no M runs.</summary>
    CheckdeadRunnable,
    /// <summary>newproc1 got a g that is not dead.</summary>
    NewprocNotDead,
    /// <summary>pidleput of a P whose run queue is not empty.</summary>
    PidlePutNonEmpty,
    /// <summary>nmspinning went negative.</summary>
    NegativeSpinning,
    /// <summary>selectgo's pass 3 found no case for the sudog that woke it: "selectgo: bad wakeup".</summary>
    BadSelectWakeup,
    /// <summary>Panic: chansend (or a select's send case) on a closed channel, or a blocked send woken by closechan.</summary>
    SendOnClosed,
    /// <summary>Panic: closechan on a closed channel.</summary>
    CloseOfClosed,
    /// <summary>Panic: closechan on a nil channel.</summary>
    CloseOfNil,
    /// <summary>checkdead's timejump found no idle P.</summary>
    CheckdeadNoP,
    /// <summary>checkdead's timejump found no idle M.</summary>
    CheckdeadNoM,
    /// <summary>A timer ran before its deadline (ours: Go's runtimer never lets it, the model states it as a throw).</summary>
    TimerEarly,
    /// <summary>netpoll found a pollDesc whose rg does not hold a waiting g (Go: netpollblock's "corrupted state").</summary>
    NetpollBadG,
}

/// <summary>Go's messages for <see cref="Throw"/>.</summary>
public static class ThrowExtensions
{
    /// <summary>The message Go prints after "fatal error: ".</summary>
    public static string Message(this Throw t) => t switch
    {
        Throw.None => "",
        Throw.Deadlock => "all goroutines are asleep - deadlock!",
        Throw.StackOverflow => "stack overflow",
        Throw.BadCasgstatus => "casgstatus: bad incoming values",
        Throw.BadReady => "bad g->status in ready",
        Throw.BadGosched => "bad g status",
        Throw.BadGfput => "gfput: bad status (not Gdead)",
        Throw.BadGopark => "gopark: bad g status",
        Throw.RunqPutSlowNotFull => "runqputslow: queue is not full",
        Throw.RunqStealOverflow => "runqsteal: runq overflow",
        Throw.CheckdeadRunnable => "checkdead: runnable g",
        Throw.NewprocNotDead => "newproc1: new g is not Gdead",
        Throw.PidlePutNonEmpty => "pidleput: P has non-empty run queue",
        Throw.NegativeSpinning => "findrunnable: negative nmspinning",
        Throw.BadSelectWakeup => "selectgo: bad wakeup",
        Throw.SendOnClosed => ChanContract.SendOnClosed,
        Throw.CloseOfClosed => ChanContract.CloseOfClosed,
        Throw.CloseOfNil => ChanContract.CloseOfNil,
        Throw.CheckdeadNoP => "checkdead: no p for timer",
        Throw.CheckdeadNoM => "checkdead: no m for timer",
        Throw.TimerEarly => "runtimer: timer ran before its deadline",
        Throw.NetpollBadG => "runtime: corrupted polldesc",
        _ => t.ToString(),
    };

    /// <summary>Whether Go reports it as an unrecovered panic ("panic: MSG" and the panicking goroutine's header)
    /// rather than a throw ("fatal error: MSG"). Both end the run with a fatal outcome.</summary>
    public static bool IsPanic(this Throw t) => t is Throw.SendOnClosed or Throw.CloseOfClosed or Throw.CloseOfNil;

    /// <summary>What Go prints: <c>ChanContract.PanicText(msg, goid)</c> for a panic of goroutine
    /// <paramref name="goid"/>, "fatal error: MSG" for a throw, "" for none.</summary>
    public static string FullText(this Throw t, long goid) =>
        t == Throw.None ? "" : t.IsPanic() ? ChanContract.PanicText(t.Message(), goid) : "fatal error: " + t.Message();
}
