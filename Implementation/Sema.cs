namespace Implementation;

/// <summary>
/// A workload semaphore (Go's semaphore in sema.go, reduced to one FIFO wait queue per address): a count and the gs
/// parked on it, longest waiter first, linked through g.schedlink (a waiting g is on no run queue, so the link is free).
/// </summary>
internal sealed unsafe class Sema(int index, string name)
{
    public int Index { get; } = index;
    public string Name { get; } = name;
    /// <summary>Protects everything below; held from semacquire's decision to park until park_m has made the g
    /// Waiting (gopark's unlockf), so a release can never see a parking g that is still Running.</summary>
    public RuntimeLock Lock;
    public long Count;
    public Native.Layout.G* Head, Tail;
    public int Waiters;
}
