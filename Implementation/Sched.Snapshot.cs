using Implementation.Snapshots;
using Native.Layout;

namespace Implementation;

/// <summary>
/// Snapshots of the runtime's real records for state-level refinement (RuntimeOptions.Snapshots). A snapshot is
/// taken only by the M holding the controller's baton, at a switch-back point, so every other M waits at a scheduling
/// point and nothing changes underneath it. Dirty tracking keeps the cost proportional to the step: casgstatus (every
/// status change passes through it, and every other change of a g's record — its M, its gobuf, its stack, its
/// semaphore — happens in the same step as one) marks the g, the Ms' curgs are always read, and every other g's
/// record is shared with the previous snapshot.
/// </summary>
internal sealed unsafe partial class Sched
{
    private readonly bool _snapshots;

    /// <summary>The value snapshot runs put in gobuf.ret before each gogo (which must clear it).</summary>
    internal const int RetProbe = 0x5EED_0001;
    private readonly List<RuntimeSnapshot> _snapshotLog = [];
    private GSnapshot[] _snapGs = [];
    private readonly HashSet<int> _dirtyGs = [];
    private readonly Dictionary<int, GobufWords> _shadows = [];

    /// <summary>A systemstack service's scheduling point, then (snapshots on) the snapshot at its entry.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void ServicePoint(MState mp)
    {
        if (!_controlled) return;
        if (mp.P != null) mp.P->SliceFresh = 0; // the g has run user code in this slice (not exitsyscall: no P)
        mp.Position = MPosition.InService;
        _control!.Point(mp);
        if (_snapshots) TakeSnapshot(mp, MPosition.InService);
    }

    /// <summary>Notes that g's record changed (called from casgstatus when snapshots are on).</summary>
    private void MarkDirty(G* gp) => _dirtyGs.Add(gp->Index);

    /// <summary>Records the state as the holder <paramref name="mp"/> reaches a switch-back point.</summary>
    private void TakeSnapshot(MState mp, MPosition position)
    {
        mp.Position = position;
        int count;
        lock (_allgLock) count = _allgs.Count;
        if (_snapGs.Length < count)
        {
            var grown = new GSnapshot[Math.Max(count, _snapGs.Length * 2)];
            Array.Copy(_snapGs, grown, _snapGs.Length);
            _snapGs = grown;
        }
        var ms = new List<MSnapshot>();
        _shadows.Clear();
        lock (_allm)
        {
            foreach (var m in _allm)
            {
                if (m.CurG != null) _dirtyGs.Add(m.CurG->Index);
                // The sched the curg ran with, which the stub's save at this switch point has just replaced.
                if (m.CurG != null && m.Position is MPosition.SwitchedBack or MPosition.InService && TryReadShadow(m, out var shadow))
                    _shadows[m.CurG->Index] = new GobufWords(shadow.Sp, shadow.Pc, shadow.G, shadow.Ctxt, shadow.Ret, shadow.Lr, shadow.Bp);
                ms.Add(new MSnapshot(m.Id, m.CurG == null ? 0 : m.CurG->Goid, m.P == null ? -1 : m.P->Id, m.Spinning, m.Position));
            }
        }
        foreach (var slot in _dirtyGs)
            if (slot < count) _snapGs[slot] = ReadG((G*)_allgs[slot], _shadows.TryGetValue(slot, out var sh) ? sh : null);
        for (var i = 0; i < count; i++) _snapGs[i] ??= ReadG((G*)_allgs[i], null);
        _dirtyGs.Clear();

        var ps = new PSnapshot[Procs];
        for (var i = 0; i < Procs; i++) ps[i] = ReadP(_allp[i]);
        var semaCounts = new long[_semas.Length];
        var semaWaiters = new long[_semas.Length][];
        for (var i = 0; i < _semas.Length; i++)
        {
            semaCounts[i] = _semas[i].Count;
            semaWaiters[i] = Goids(_semas[i].Head);
        }
        var chans = new ChanSnapshot?[_chans.Length];
        for (var i = 0; i < chans.Length; i++) chans[i] = _chans[i] == null ? null : ReadChan(_chans[i]);
        _snapshotLog.Add(new RuntimeSnapshot(_recorder!.Recorded, mp.Id, _snapGs[..count], ps, [.. ms], Goids(_runqHead),
            [.. Goids(_gFreeHead), .. Goids(_gFreeNoStackHead)], _npidle, _nmspinning, _nmidle, semaCounts, semaWaiters) { Chans = chans });
    }

    private static GSnapshot ReadG(G* gp, GobufWords? shadow)
    {
        ref var s = ref gp->Sched;
        var words = new GobufWords(s.Sp, s.Pc, s.G, s.Ctxt, s.Ret, s.Lr, s.Bp);
        var m = gp->M == null ? -1 : (int)gp->M->Id;
        return new GSnapshot(gp->Index, (long)gp, gp->Goid, (GStatus)gp->AtomicStatus, m, gp->StackLo, gp->StackHi, gp->StackGuard0,
            words, shadow, gp->SyscallSp, gp->WaitSema, gp->Body)
        {
            SendSeq = gp->SendSeq, SelectDone = Volatile.Read(ref gp->SelectDone), WaitReason = (Model.Contract.WaitReason)gp->WaitReason,
            Preempt = gp->Preempt != 0,
        };
    }

    /// <summary>An hchan as it stands (only the baton holder moves, so no lock is needed; a parking M may hold it).</summary>
    private static ChanSnapshot ReadChan(HChan* c)
    {
        var buffer = new long[Math.Clamp(c->QCount, 0, c->DataQSiz)];
        for (var k = 0; k < buffer.Length; k++) buffer[k] = c->Buf[(c->RecvX + k) % c->DataQSiz];
        return new ChanSnapshot(c->Index, c->QCount, c->DataQSiz, c->SendX, c->RecvX, c->Closed != 0, buffer,
            Waiters(c->RecvQ.First), Waiters(c->SendQ.First));
    }

    private static WaiterSnapshot[] Waiters(Sudog* first)
    {
        var list = new List<WaiterSnapshot>();
        for (var s = first; s != null && list.Count < 1_000_000; s = s->Next)
            list.Add(new WaiterSnapshot(s->G->Goid, s->IsSelect != 0, s->CaseIndex));
        return [.. list];
    }

    private static PSnapshot ReadP(P* pp)
    {
        var n = unchecked(pp->RunqTail - pp->RunqHead);
        var ring = new long[Math.Min(n, (uint)P.RunqSize)];
        for (var k = 0u; k < ring.Length; k++) ring[k] = ((G*)pp->Runq[(int)((pp->RunqHead + k) % P.RunqSize)])->Goid;
        return new PSnapshot(pp->Id, (PStatus)pp->Status, pp->OnPidle != 0, pp->M == null ? -1 : (int)pp->M->Id, pp->RunqHead, pp->RunqTail, ring,
            pp->RunNext == null ? 0 : pp->RunNext->Goid, pp->SchedTick, Goids(pp->GFreeHead), pp->GoidCache, pp->GoidCacheEnd);
    }

    /// <summary>The goids along a schedlink chain, head first.</summary>
    private static long[] Goids(G* head)
    {
        var list = new List<long>();
        for (var g = head; g != null && list.Count < 1_000_000; g = g->SchedLink) list.Add(g->Goid);
        return [.. list];
    }
}
