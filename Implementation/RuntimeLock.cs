namespace Implementation;

/// <summary>
/// A runtime mutex (Go's lock/unlock on a runtime.mutex, lock_futex.go): spin briefly, then yield the thread.
/// Held only for a few queue operations at a time. Must be used through a ref (a copy is a different lock).
/// </summary>
internal struct RuntimeLock
{
    private int _state;

    public void Lock()
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) LockSlow();
    }

    private void LockSlow()
    {
        var spin = new SpinWait();
        while (true)
        {
            if (Volatile.Read(ref _state) == 0 && Interlocked.CompareExchange(ref _state, 1, 0) == 0) return;
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    public void Unlock() => Volatile.Write(ref _state, 0);
}
