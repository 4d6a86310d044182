namespace Model.Contract;

/// <summary>
/// Why a goroutine gave the M back to g0: the value the <c>mcall</c> stub stores in <c>Native.Layout.M.Reason</c> and
/// returns from <c>entry</c>. In Go, mcall takes the function to run on g0 (gosched_m, park_m, goexit0, ...); here the
/// C# scheduler loop on g0 dispatches on this number instead. Values are frozen: append, never renumber.
/// </summary>
public enum McallReason : int
{
    /// <summary>Impossible path: mcall was reached on g0 (Go's runtime.badmcall). <c>Native.Amd64.StubSet.Execute</c> throws.</summary>
    Bad = 0,

    /// <summary>mcall(gosched_m): the goroutine yields and stays runnable.</summary>
    Gosched = 1,

    /// <summary>mcall(park_m): the goroutine blocks until someone readies it.</summary>
    Park = 2,

    /// <summary>mcall(goexit0): the goroutine's function returned into goexit (or called Goexit).</summary>
    Exit = 3,

    /// <summary>mcall(exitsyscall0): the goroutine left a syscall and found no P.</summary>
    ExitSyscall = 4,

    /// <summary>morestack → newstack: a prologue found SP at or below stackguard0. Stacks do not grow here, so C#
    /// reports "goroutine stack exceeds N-byte limit" (see <c>Native.StackPool.OverflowMessage</c>).</summary>
    Morestack = 5,

    /// <summary>Impossible path: morestack was reached on g0 (Go's runtime.badmorestackg0).</summary>
    BadMorestackG0 = 6,

    /// <summary>Misuse: entry was called on an M that is already inside entry (g0.sched.sp != 0), e.g. from a
    /// systemstack callback (native-notes rule 7). entry returns at once without switching.</summary>
    Reentered = 7,

    /// <summary>Impossible path: a goroutine reached badmcall — it was resumed after it exited, saved a gobuf with a
    /// non-zero ctxt, or called systemstack while not m.curg (Go throws on each). <c>Native.Amd64.StubSet.Execute</c> throws.</summary>
    BadResume = 8,
}
