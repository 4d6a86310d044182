using System.Diagnostics;

namespace Implementation;

/// <summary>
/// A runtime mutex (Go's lock/unlock on a runtime.mutex, lock_futex.go): spin, yielding the thread, until free.
/// Held only for a few queue operations at a time. Must be used through a ref (a copy is a different lock).
/// A lock still held after <see cref="AbandonAfter"/> means its holder died in a fatal error while holding it (a
/// broken invariant under the lock): the waiter then unwinds its M with <see cref="FatalException"/> instead of
/// spinning for ever.
/// </summary>
internal struct RuntimeLock
{
    /// <summary>How long a waiter spins before it takes the lock for abandoned.</summary>
    public static readonly TimeSpan AbandonAfter = TimeSpan.FromSeconds(5);

    private int _state;

    public void Lock()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) LockSlow();
    }

    private void LockSlow()
    {
        var spin = new SpinWait();
        long start = 0;
        for (var i = 1; ; i++)
        {
            if (Volatile.Read(ref _state) == 0 && Interlocked.CompareExchange(ref _state, 1, 0) == 0) return;
            spin.SpinOnce(sleep1Threshold: -1);
            if ((i & 4095) != 0) continue;
            if (start == 0) start = Stopwatch.GetTimestamp();
            else if (Stopwatch.GetElapsedTime(start) > AbandonAfter)
                throw new FatalException("runtime: lock abandoned by a thread that died holding it");
        }
    }

    public void Unlock() => Volatile.Write(ref _state, 0);
}
