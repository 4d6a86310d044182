namespace Model;

/// <summary>The fatal errors a step can end in. Each carries Go's own message (<see cref="ThrowExtensions.Message"/>).</summary>
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
        _ => t.ToString(),
    };
}
