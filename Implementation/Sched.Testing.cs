using Native;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    // Hooks for unit tests of the queue algorithms: they drive the functions directly from a test thread, with no M
    // thread and no goroutine code running.

    /// <summary>An M (no thread) that owns P <paramref name="p"/>, taken off sched.pidle if it is there.</summary>
    internal MState TestM(int p)
    {
        MState mp;
        lock (_allm)
        {
            var id = _allm.Count;
            mp = new MState(this, id, Records.NewM(id), _recorder?.NewBuffer((short)id), (ulong)id + 1);
            mp.M->SchedPtr = mp.Slot;
            _allm.Add(mp);
        }
        var pp = _allp[p];
        _lock.Lock();
        // Unlink pp from pidle if present.
        P* prev = null;
        for (var q = _pidle; q != null; prev = q, q = q->Link)
        {
            if (q != pp) continue;
            if (prev == null) _pidle = q->Link;
            else prev->Link = q->Link;
            q->Link = null;
            q->OnPidle = 0;
            Interlocked.Decrement(ref _npidle);
            break;
        }
        _lock.Unlock();
        AcquireP(mp, pp);
        return mp;
    }

    /// <summary>A runnable g with a stack and the given goid, known to allgs (freed with the Sched).</summary>
    internal G* TestG(long goid, GStatus status = GStatus.Runnable)
    {
        G* g;
        lock (_allgLock) g = _gslab.New();
        if (_goStacks != null) _goStacks.Allocate(null, g, GoStacks.StackMin);
        else _stacks!.Allocate(g);
        g->Goid = goid;
        g->AtomicStatus = (uint)status;
        lock (_allgLock)
        {
            g->Index = _allgs.Count;
            _allgs.Add((nint)g);
        }
        return g;
    }

    internal P* PAt(int i) => _allp[i];

    /// <summary>allgs, in creation order (a copy taken under the lock).</summary>
    internal List<nint> AllGs()
    {
        lock (_allgLock) return [.. _allgs];
    }

    /// <summary>allm (a copy taken under its lock).</summary>
    internal List<MState> AllMs()
    {
        lock (_allm) return [.. _allm];
    }

    /// <summary>The run's stub set.</summary>
    internal StubSet Stubs => _stubs;

    /// <summary>The global queue's goids, head first (sched.lock taken).</summary>
    internal List<long> GlobalGoids()
    {
        var list = new List<long>();
        _lock.Lock();
        for (var g = _runqHead; g != null; g = g->SchedLink) list.Add(g->Goid);
        _lock.Unlock();
        return list;
    }

    /// <summary>globrunqget under the lock, for tests.</summary>
    internal G* GlobRunQGetForTest(MState mp, int max)
    {
        _lock.Lock();
        try { return GlobRunQGet(mp, mp.P, max); }
        finally { _lock.Unlock(); }
    }

    /// <summary>A local ring's goids, head first, then runnext (or -1 when empty).</summary>
    internal static (List<long> Ring, long RunNext) LocalGoids(P* pp)
    {
        var ring = new List<long>();
        for (var i = pp->RunqHead; i != pp->RunqTail; i++) ring.Add(((G*)pp->Runq[i % P.RunqSize])->Goid);
        return (ring, pp->RunNext == null ? -1 : pp->RunNext->Goid);
    }

    internal int LocalGFreeCount(int p) => _allp[p]->GFreeN;

    /// <summary>Sudogs ever allocated, and those back in a cache (the Ps' and the central list): equal at rest.</summary>
    internal (int Allocated, int Free) SudogCounts()
    {
        var free = 0;
        foreach (var p in _allp) free += p->SudogCacheN;
        _sudogLock.Lock();
        for (var s = _sudogCentral; s != null; s = s->Next) free++;
        var allocated = _allSudogs.Count;
        _sudogLock.Unlock();
        return (allocated, free);
    }

    /// <summary>Each hchan's wait queue lengths (nil channels left out).</summary>
    internal List<(int Index, int RecvQ, int SendQ)> ChanStates()
    {
        var list = new List<(int, int, int)>();
        foreach (var c in _chans)
            if (c != null) list.Add((c->Index, c->RecvQ.Len, c->SendQ.Len));
        return list;
    }
}
