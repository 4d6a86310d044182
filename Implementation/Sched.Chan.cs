using System.Runtime.InteropServices;
using Implementation.Trace;
using Native.Layout;

namespace Implementation;

/// <summary>
/// Channels (docs/channels.md): the hchans, the sudog caches, and chansend, chanrecv, closechan and the code after
/// their gopark, as Go 1.19's chan.go and proc.go do them. All of it runs on g0 inside one systemstack service per op;
/// the values move straight between the goroutines' own stack slots (sudog.elem).
/// </summary>
internal sealed unsafe partial class Sched
{
    /// <summary>Channel i's hchan, or null for a nil channel.</summary>
    private HChan*[] _chans = [];
    /// <summary>The one block every hchan lives in (declaration order).</summary>
    private HChan* _chanBlock;

    // sched.sudoglock and sched.sudogcache: the central list of free sudogs, linked through sudog.next.
    private RuntimeLock _sudogLock;
    private Sudog* _sudogCentral;
    /// <summary>Every sudog ever allocated (freed with the Sched). Under _sudogLock.</summary>
    private readonly List<nint> _allSudogs = [];

    /// <summary>Go's hchan allocation (makechan) for each declaration, done once before the run. The hchans sit in one
    /// block in declaration order: their addresses, selectgo's lock-order key, then sort like the indices.</summary>
    private void MakeChans()
    {
        var decls = Program.Workload.Channels;
        _chans = new HChan*[decls.Length];
        var live = decls.Count(d => !d.IsNil);
        if (live == 0) return;
        _chanBlock = (HChan*)NativeMemory.AlignedAlloc((nuint)(live * sizeof(HChan)), 64);
        NativeMemory.Clear(_chanBlock, (nuint)(live * sizeof(HChan)));
        HChan* prev = null;
        var k = 0;
        for (var i = 0; i < decls.Length; i++)
        {
            if (decls[i].IsNil) continue;
            var c = _chanBlock + k++;
            c->Index = i;
            c->DataQSiz = decls[i].Capacity;
            c->Buf = (long*)NativeMemory.AllocZeroed((nuint)(decls[i].Capacity + 1), sizeof(long));
            if (prev != null && (nint)c <= (nint)prev)
                throw new InvalidOperationException("makechan: hchan addresses do not sort like channel indices");
            prev = c;
            _chans[i] = c;
        }
    }

    private void FreeChans()
    {
        foreach (var c in _chans)
            if (c != null) NativeMemory.Free(c->Buf);
        if (_chanBlock != null) NativeMemory.AlignedFree(_chanBlock);
        _chanBlock = null;
        _chans = [];
        foreach (var s in _allSudogs) NativeMemory.Free((void*)s);
        _allSudogs.Clear();
    }

    // ---- sudogs (proc.go) -----------------------------------------------------------------------------------------

    /// <summary>
    /// Mirrors runtime.acquireSudog (proc.go): pop the P's cache; when it is empty, refill it to half from the central
    /// list under sched.sudoglock, and allocate one if that is empty too.
    /// </summary>
    private Sudog* AcquireSudog(MState mp)
    {
        var pp = mp.P;
        if (pp->SudogCacheN == 0)
        {
            _sudogLock.Lock();
            while (pp->SudogCacheN < P.SudogCacheSize / 2 && _sudogCentral != null)
            {
                var s = _sudogCentral;
                _sudogCentral = s->Next;
                s->Next = null;
                pp->SudogCache[pp->SudogCacheN++] = (long)s;
            }
            if (pp->SudogCacheN == 0)
            {
                var fresh = (Sudog*)NativeMemory.AllocZeroed((nuint)sizeof(Sudog));
                _allSudogs.Add((nint)fresh);
                pp->SudogCache[pp->SudogCacheN++] = (long)fresh;
            }
            _sudogLock.Unlock();
        }
        var sg = (Sudog*)pp->SudogCache[--pp->SudogCacheN];
        pp->SudogCache[pp->SudogCacheN] = 0;
        if (sg->Elem != null) Fatal("acquireSudog: found s.elem != nil in cache");
        return sg;
    }

    /// <summary>
    /// Mirrors runtime.releaseSudog (proc.go): the sudog must be clean; a full P cache first moves half of itself to
    /// the central list (one splice under sched.sudoglock).
    /// </summary>
    private void ReleaseSudog(MState mp, G* gp, Sudog* s)
    {
        if (s->Elem != null) Fatal("runtime: sudog with non-nil elem");
        if (s->IsSelect != 0) Fatal("runtime: sudog with non-false isSelect");
        if (s->Next != null) Fatal("runtime: sudog with non-nil next");
        if (s->Prev != null) Fatal("runtime: sudog with non-nil prev");
        if (s->WaitLink != null) Fatal("runtime: sudog with non-nil waitlink");
        if (s->C != null) Fatal("runtime: sudog with non-nil c");
        if (gp->Param != 0) Fatal("runtime: releaseSudog with non-nil gp.param");
        s->G = null;
        var pp = mp.P;
        if (pp->SudogCacheN == P.SudogCacheSize)
        {
            Sudog* first = null, last = null;
            while (pp->SudogCacheN > P.SudogCacheSize / 2)
            {
                var q = (Sudog*)pp->SudogCache[--pp->SudogCacheN];
                pp->SudogCache[pp->SudogCacheN] = 0;
                if (first == null) first = q;
                else last->Next = q;
                last = q;
            }
            _sudogLock.Lock();
            last->Next = _sudogCentral;
            _sudogCentral = first;
            _sudogLock.Unlock();
        }
        pp->SudogCache[pp->SudogCacheN++] = (long)s;
    }

    // ---- wait queues (chan.go) ------------------------------------------------------------------------------------

    /// <summary>Mirrors waitq.enqueue: at the tail.</summary>
    private static void Enqueue(ref WaitQ q, Sudog* sgp)
    {
        sgp->Next = null;
        var x = q.Last;
        if (x == null)
        {
            sgp->Prev = null;
            q.First = sgp;
            q.Last = sgp;
        }
        else
        {
            sgp->Prev = x;
            x->Next = sgp;
            q.Last = sgp;
        }
        q.Len++;
    }

    /// <summary>
    /// Mirrors waitq.dequeue: pops from the head; a select's sudog whose select another waker already won (the CAS
    /// of g.selectDone from 0 to 1 fails) is dropped with a ChanDequeueStale event and the loop goes on.
    /// <paramref name="newest"/> is the ChanHandoffNewestReceiver seeded bug (pop from the tail).
    /// </summary>
    private Sudog* Dequeue(MState mp, G* by, HChan* c, ref WaitQ q, int which, bool newest = false)
    {
        while (true)
        {
            var sgp = newest ? q.Last : q.First;
            if (sgp == null) return null;
            if (newest)
            {
                var x = sgp->Prev;
                if (x == null) { q.First = null; q.Last = null; }
                else { x->Next = null; q.Last = x; sgp->Prev = null; }
            }
            else
            {
                var y = sgp->Next;
                if (y == null) { q.First = null; q.Last = null; }
                else { y->Prev = null; q.First = y; sgp->Next = null; }
            }
            q.Len--;
            // If a goroutine was put on this queue because of a select, there is a small window between the goroutine
            // being woken up by a different case and it grabbing the channel locks: the CAS settles who wins.
            if (sgp->IsSelect != 0 && Interlocked.CompareExchange(ref sgp->G->SelectDone, 1, 0) != 0)
            {
                if (_tracing) Trace(mp, EventKind.ChanDequeueStale, by->Goid, c->Index, which, sgp->G->Goid);
                continue;
            }
            return sgp;
        }
    }

    /// <summary>Mirrors waitq.dequeueSudoG (select.go): unlinks one given sudog if it is still queued; true if it was.</summary>
    private static bool DequeueSudoG(ref WaitQ q, Sudog* sgp)
    {
        var x = sgp->Prev;
        var y = sgp->Next;
        if (x != null)
        {
            if (y != null)
            {
                x->Next = y;
                y->Prev = x;
                sgp->Next = null;
                sgp->Prev = null;
            }
            else
            {
                x->Next = null;
                q.Last = x;
                sgp->Prev = null;
            }
            q.Len--;
            return true;
        }
        if (y != null)
        {
            y->Prev = null;
            q.First = y;
            sgp->Next = null;
            q.Len--;
            return true;
        }
        // x == y == nil: either the only element, or already removed; q.first says which.
        if (q.First == sgp)
        {
            q.First = null;
            q.Last = null;
            q.Len--;
            return true;
        }
        return false;
    }

    // ---- the Select event of a select rewritten to one channel op --------------------------------------------------

    /// <summary>A Select event still to be emitted: a select with one channel case and a default, which became
    /// selectnbsend/selectnbrecv (docs/channels.md: Go's compiler rewrites it), announces its choice where the op
    /// decides, after any ChanDequeueStale of its dequeue and before the op's own state event.</summary>
    private struct SelectNote
    {
        public bool Pending;
        public int N;
        public int HasDefault;
        /// <summary>The case index the op stands for.</summary>
        public int Case;
        /// <summary>The default's case index (when the op is the non-blocking one).</summary>
        public int Default;
    }

    /// <summary>Emits the pending Select event (A = 0: a rewritten select has no poll order to choose) with B = the
    /// channel case, or the default when <paramref name="tookDefault"/>.</summary>
    private void Announce(MState mp, G* gp, ref SelectNote note, bool tookDefault = false)
    {
        if (!note.Pending) return;
        note.Pending = false;
        if (_tracing) Trace(mp, EventKind.Select, gp->Goid, 0, tookDefault ? note.Default : note.Case, note.N, note.HasDefault);
    }

    /// <summary>ChanContract.Pack of an hchan's counters (events' D).</summary>
    private static long Packed(HChan* c) => ChanContract.Pack(c->QCount, c->SendX, c->RecvX);

    /// <summary>An unrecovered panic of gp: Go prints "panic: MSG" and goroutine gp's header and exits with status 2.
    /// Here: the run's fatal outcome; -1 makes the emitted code leave through mcall(Bad).</summary>
    private long Panic(G* gp, string message)
    {
        Finish(RunOutcome.Fatal, ChanContract.PanicText(message, gp->Goid));
        return -1;
    }

    /// <summary>What chansend/chanrecv tell the non-blocking caller (selectnbsend/selectnbrecv) when they did not
    /// proceed. The services never return it.</summary>
    private const long WouldBlock = 2;

    /// <summary>Go's gopark for good (a nil channel, select with no channel to wait on): no unlock function, a GoStop
    /// annotation, and the g never comes back.</summary>
    private void ParkForever(MState mp, G* gp, int reason, StopReason stop, long chan)
        => Gopark(mp, gp, null, 0, reason, EventKind.GoStop, (long)stop, chan);

    // ---- chansend, chanrecv, closechan (chan.go) ------------------------------------------------------------------

    /// <summary>
    /// What chansend and chanrecv both do with a nil channel (chan.go): non-blocking (selectnbsend/selectnbrecv), it
    /// does not proceed; blocking, gopark(nil, nil, the nil-channel wait reason, traceEvGoStop) for good.
    /// </summary>
    private long OnNilChannel(MState mp, G* gp, int chan, bool block, ref SelectNote note, WaitReason reason, StopReason stop)
    {
        if (!block)
        {
            Announce(mp, gp, ref note, tookDefault: true);
            return WouldBlock;
        }
        Announce(mp, gp, ref note);
        ParkForever(mp, gp, (int)reason, stop, chan);
        return 1;
    }

    /// <summary>
    /// Mirrors runtime.chansend (chan.go) with ep = the caller's send slot: 0 = sent, 1 = the g must park (the hchan's
    /// lock is held until park_m's chanparkcommit), <see cref="WouldBlock"/> (block = false only), -1 = panicked.
    /// Difference: no lock-free fast path for block = false (Go's <c>!block &amp;&amp; closed == 0 &amp;&amp; full(c)</c>);
    /// the locked path decides the same: a full buffer has no receiver queued (not even a stale select sudog, which
    /// the first send after it was queued would have popped), and an unbuffered channel with an empty recvq dequeues
    /// nothing.
    /// </summary>
    private long ChanSend(MState mp, G* gp, int chan, long* ep, bool block, ref SelectNote note)
    {
        var c = _chans[chan];
        if (c == null) return OnNilChannel(mp, gp, chan, block, ref note, WaitReason.ChanSendNilChan, StopReason.SendNilChan);
        c->Lock.Lock();
        if (c->Closed != 0)
        {
            Announce(mp, gp, ref note);
            c->Lock.Unlock();
            return Panic(gp, ChanContract.SendOnClosed);
        }
        var sg = Dequeue(mp, gp, c, ref c->RecvQ, 1, newest: _mutant == Mutant.ChanHandoffNewestReceiver);
        if (sg != null)
        {
            // Found a waiting receiver: pass the value straight to it, bypassing the buffer.
            Announce(mp, gp, ref note);
            Send(mp, gp, c, sg, ep, []);
            return 0;
        }
        if (c->QCount < c->DataQSiz)
        {
            // Space is available in the channel buffer: enqueue the element to send.
            Announce(mp, gp, ref note);
            c->Buf[c->SendX] = *ep;
            if (++c->SendX >= c->DataQSiz) c->SendX = 0; // >= only matters to the ChanRecvxNotWrapped seeded bug
            c->QCount++;
            if (_tracing) Trace(mp, EventKind.ChanSend, gp->Goid, chan, *ep, (long)ChanSendMode.Buffered, Packed(c));
            c->Lock.Unlock();
            return 0;
        }
        if (!block)
        {
            Announce(mp, gp, ref note, tookDefault: true);
            c->Lock.Unlock();
            return WouldBlock;
        }
        // Block on the channel. Some receiver will complete our operation for us.
        Announce(mp, gp, ref note);
        return BlockOnChannel(mp, gp, c, chan, ep, receive: false);
    }

    /// <summary>
    /// What chansend and chanrecv both do to block (chan.go), c's lock held: acquireSudog with elem = the g's own slot,
    /// gp.waiting = it, param = nil, enqueue on sendq or recvq, then gopark(chanparkcommit, &amp;c.lock) with
    /// "chan send" or "chan receive". Returns 1: the emitted code mcalls Park.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private long BlockOnChannel(MState mp, G* gp, HChan* c, int chan, long* ep, bool receive)
    {
        var mysg = AcquireSudog(mp);
        mysg->Elem = ep;
        mysg->WaitLink = null;
        mysg->G = gp;
        mysg->IsSelect = 0;
        mysg->C = c;
        mysg->CaseIndex = -1;
        mysg->Dir = receive ? 1 : 0;
        gp->Waiting = (nint)mysg;
        gp->Param = 0;
        ref var q = ref receive ? ref c->RecvQ : ref c->SendQ;
        Enqueue(ref q, mysg);
        if (_tracing) Trace(mp, EventKind.ChanEnqueue, gp->Goid, chan, receive ? 1 : 0, q.Len, -1);
        if (receive) Gopark(mp, gp, &ChanParkCommit, (nint)c, (int)WaitReason.ChanReceive, EventKind.GoBlockRecv, chan, 0);
        else Gopark(mp, gp, &ChanParkCommit, (nint)c, (int)WaitReason.ChanSend, EventKind.GoBlockSend, chan, 0);
        return 1;
    }

    /// <summary>
    /// Mirrors runtime.send (chan.go): the value goes straight onto the receiver's stack (sendDirect), the lock(s) are
    /// released (<paramref name="selLocks"/>: a select's hchans in lock order, else c's own), then param = the sudog,
    /// success, goready.
    /// </summary>
    private void Send(MState mp, G* gp, HChan* c, Sudog* sg, long* ep, ReadOnlySpan<nint> selLocks)
    {
        var value = *ep;
        if (sg->Elem != null)
        {
            *sg->Elem = value; // sendDirect: onto the receiver's own slot
            sg->Elem = null;
        }
        if (_tracing) Trace(mp, EventKind.ChanSend, gp->Goid, c->Index, value, (long)ChanSendMode.Direct, Packed(c));
        var r = sg->G;
        Unlock(c, selLocks);
        r->Param = (nint)sg;
        sg->Success = 1;
        ReadyChan(mp, r, gp, c->Index);
    }

    /// <summary>
    /// Mirrors runtime.chanrecv (chan.go) with ep = the caller's receive slot: 0 = received (the value, or 0 when
    /// closed, is in the slot), 1 = park, <see cref="WouldBlock"/> (block = false only). Difference: no lock-free fast
    /// path for block = false; the locked path decides the same (see <see cref="ChanSend"/>).
    /// </summary>
    private long ChanRecv(MState mp, G* gp, int chan, long* ep, bool block, ref SelectNote note)
    {
        var c = _chans[chan];
        if (c == null) return OnNilChannel(mp, gp, chan, block, ref note, WaitReason.ChanReceiveNilChan, StopReason.RecvNilChan);
        c->Lock.Lock();
        if (c->Closed != 0)
        {
            if (c->QCount == 0)
            {
                Announce(mp, gp, ref note);
                *ep = 0; // typedmemclr
                if (_tracing) Trace(mp, EventKind.ChanRecv, gp->Goid, chan, 0, (long)ChanRecvMode.Closed, Packed(c));
                c->Lock.Unlock();
                return 0;
            }
            // The channel has been closed, but the buffer still has data.
        }
        else
        {
            var sg = Dequeue(mp, gp, c, ref c->SendQ, 0);
            if (sg != null)
            {
                // A sender waits: an unbuffered channel takes its value directly; a full buffer gives its head and
                // takes the sender's value at the tail.
                Announce(mp, gp, ref note);
                Recv(mp, gp, c, sg, ep, []);
                return 0;
            }
        }
        if (c->QCount > 0)
        {
            // Receive directly from the queue.
            Announce(mp, gp, ref note);
            BufRecv(mp, gp, c, ep);
            c->Lock.Unlock();
            return 0;
        }
        if (!block)
        {
            Announce(mp, gp, ref note, tookDefault: true);
            c->Lock.Unlock();
            return WouldBlock;
        }
        // No sender available: block on this channel.
        Announce(mp, gp, ref note);
        return BlockOnChannel(mp, gp, c, chan, ep, receive: true);
    }

    /// <summary>chanrecv's (and selectgo's bufrecv) receive from the buffer: the head into ep, cleared, recvx++
    /// (wrapping; the ChanRecvxNotWrapped seeded bug wraps one slot late), qcount--. Under c.lock.</summary>
    private void BufRecv(MState mp, G* gp, HChan* c, long* ep)
    {
        *ep = c->Buf[c->RecvX];
        c->Buf[c->RecvX] = 0;
        c->RecvX++;
        if (c->RecvX == c->DataQSiz + (_mutant == Mutant.ChanRecvxNotWrapped ? 1 : 0)) c->RecvX = 0;
        c->QCount--;
        if (_tracing) Trace(mp, EventKind.ChanRecv, gp->Goid, c->Index, *ep, (long)ChanRecvMode.Buffered, Packed(c));
    }

    /// <summary>
    /// Mirrors runtime.recv (chan.go): unbuffered, recvDirect from the sender's slot; full buffer, take the head and
    /// put the sender's value in its place (recvx++, sendx = recvx). Then unlock, param = the sudog, success, goready.
    /// </summary>
    private void Recv(MState mp, G* gp, HChan* c, Sudog* sg, long* ep, ReadOnlySpan<nint> selLocks)
    {
        ChanRecvMode mode;
        if (c->DataQSiz == 0)
        {
            *ep = *sg->Elem; // recvDirect: from the sender's own slot
            mode = ChanRecvMode.Direct;
        }
        else
        {
            *ep = c->Buf[c->RecvX];
            c->Buf[c->RecvX] = *sg->Elem;
            c->RecvX++;
            if (c->RecvX == c->DataQSiz + (_mutant == Mutant.ChanRecvxNotWrapped ? 1 : 0)) c->RecvX = 0;
            c->SendX = c->RecvX; // c.sendx = (c.sendx+1) % c.dataqsiz
            mode = ChanRecvMode.BufferedHandoff;
        }
        sg->Elem = null;
        if (_tracing) Trace(mp, EventKind.ChanRecv, gp->Goid, c->Index, *ep, (long)mode, Packed(c));
        var s = sg->G;
        Unlock(c, selLocks);
        s->Param = (nint)sg;
        sg->Success = 1;
        ReadyChan(mp, s, gp, c->Index);
    }

    /// <summary>
    /// Mirrors runtime.closechan (chan.go): closed = 1, every receiver then every sender dequeued (slots cleared,
    /// success = false) onto a gList (a stack), then, with the lock released, each readied as it is popped.
    /// </summary>
    private long CloseChan(MState mp, G* gp, int chan)
    {
        var c = _chans[chan];
        if (c == null) return Panic(gp, ChanContract.CloseOfNil);
        c->Lock.Lock();
        if (c->Closed != 0)
        {
            c->Lock.Unlock();
            return Panic(gp, ChanContract.CloseOfClosed);
        }
        c->Closed = 1;
        G* glist = null;
        int receivers = 0, senders = 0;
        // Release all readers.
        Sudog* sg;
        while ((sg = Dequeue(mp, gp, c, ref c->RecvQ, 1)) != null)
        {
            if (sg->Elem != null)
            {
                *sg->Elem = 0;
                sg->Elem = null;
            }
            var w = sg->G;
            w->Param = (nint)sg;
            sg->Success = 0;
            w->SchedLink = glist;
            glist = w;
            receivers++;
        }
        // Release all writers (they will panic).
        while ((sg = Dequeue(mp, gp, c, ref c->SendQ, 0)) != null)
        {
            sg->Elem = null;
            var w = sg->G;
            w->Param = (nint)sg;
            sg->Success = 0;
            w->SchedLink = glist;
            glist = w;
            senders++;
        }
        if (_tracing) Trace(mp, EventKind.ChanClose, gp->Goid, chan, receivers, senders);
        c->Lock.Unlock();
        // Ready all Gs now that we've dropped the channel lock.
        while (glist != null)
        {
            var w = glist;
            glist = w->SchedLink;
            w->SchedLink = null;
            // Seeded bug CloseWakesFirstOnly: only the first waiter dequeued (the last popped) is readied.
            if (_mutant == Mutant.CloseWakesFirstOnly && glist != null) continue;
            ReadyChan(mp, w, gp, chan);
        }
        return 0;
    }

    /// <summary>
    /// The code of chansend/chanrecv after gopark returns: gp.waiting must be the sudog it parked with; waiting and
    /// param cleared, releaseSudog; a sender woken by closechan panics ("chansend: spurious wakeup" if the channel is
    /// not closed). ChanWoken reports the value: a sender's (its send slot), a receiver's (its receive slot).
    /// </summary>
    private long ChanWoken(MState mp, G* gp, int chan, long* sendSlot)
    {
        var mysg = (Sudog*)gp->Waiting;
        if (mysg == null || mysg->G != gp) Fatal("G waiting list is corrupted");
        gp->Waiting = 0;
        var success = mysg->Success != 0;
        var dir = mysg->Dir;
        var c = mysg->C;
        gp->Param = 0;
        mysg->C = null;
        var value = dir == 0 ? *sendSlot : *(sendSlot - 1);
        if (_tracing) Trace(mp, EventKind.ChanWoken, gp->Goid, chan, value, success ? 1 : 0, dir);
        ReleaseSudog(mp, gp, mysg);
        if (dir == 0 && !success)
        {
            if (c->Closed == 0) Fatal("chansend: spurious wakeup");
            return Panic(gp, ChanContract.SendOnClosed);
        }
        return 0;
    }

    /// <summary>Releases c's lock, or a select's locks (selunlock) when <paramref name="selLocks"/> is not empty.</summary>
    private static void Unlock(HChan* c, ReadOnlySpan<nint> selLocks)
    {
        if (selLocks.IsEmpty) c->Lock.Unlock();
        else SelUnlock(selLocks);
    }

    /// <summary>Mirrors runtime.chanparkcommit (chan.go): park_m's unlock function for a chansend/chanrecv park.</summary>
    private static bool ChanParkCommit(Sched s, G* gp, nint chanLock)
    {
        ((HChan*)chanLock)->Lock.Unlock();
        return true;
    }

    /// <summary>goready for a g a channel op woke: GoUnblock names the channel (C = 1). The ChanWokenToTail seeded bug puts it at the ring's tail instead of runnext.</summary>
    private void ReadyChan(MState mp, G* gp, G* by, int chan)
        => Ready(mp, gp, by, chan, ChanContract.UnblockByChannel, next: _mutant != Mutant.ChanWokenToTail);
}
