using Implementation.Trace;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>Mirrors runtime.globrunqput (proc.go): the global queue's tail. sched.lock must be held.</summary>
    private void GlobRunQPut(G* gp)
    {
        gp->SchedLink = null;
        if (_runqTail != null) _runqTail->SchedLink = gp;
        else _runqHead = gp;
        _runqTail = gp;
        _runqSize++;
    }

    /// <summary>Mirrors runtime.globrunqputbatch (proc.go): appends a linked batch of n gs. sched.lock must be held.</summary>
    private void GlobRunQPutBatch(G* head, G* tail, int n)
    {
        tail->SchedLink = null;
        if (_runqTail != null) _runqTail->SchedLink = head;
        else _runqHead = head;
        _runqTail = tail;
        _runqSize += n;
    }

    /// <summary>globrunqput under sched.lock, traced.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void GlobRunQPutLocked(MState mp, G* gp)
    {
        _lock.Lock();
        GlobRunQPut(gp);
        if (_tracing) Trace(mp, EventKind.GlobRunqPut, gp->Goid, _runqSize);
        _lock.Unlock();
    }

    private G* GlobPop()
    {
        var gp = _runqHead;
        _runqHead = gp->SchedLink;
        if (_runqHead == null) _runqTail = null;
        gp->SchedLink = null;
        return gp;
    }

    /// <summary>
    /// Mirrors runtime.globrunqget (proc.go, 1.19): takes min(size, size/GOMAXPROCS+1, max if &gt; 0, 128) gs,
    /// returns the first and runqputs the rest on pp's ring. sched.lock must be held.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private G* GlobRunQGet(MState mp, P* pp, int max)
    {
        if (_runqSize == 0) return null;
        var n = Procs == 1 ? _runqSize + 1 : _runqSize / Procs + 1;
        if (n > _runqSize) n = _runqSize;
        if (max > 0 && n > max) n = max;
        if (n > SchedConstants.RunQHalf) n = SchedConstants.RunQHalf;
        _runqSize -= n;
        var gp = GlobPop();
        if (_tracing) Trace(mp, EventKind.GlobRunqGet, gp->Goid, n, _runqSize);
        for (var i = 1; i < n; i++) RunQPut(mp, pp, GlobPop(), false);
        return gp;
    }

    /// <summary>sched.runqsize, read without the lock (a hint, as Go reads it).</summary>
    internal int GlobalRunQSize => Volatile.Read(ref _runqSize);
}
