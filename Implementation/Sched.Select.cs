using Implementation.Trace;
using Model.Workload;
using Native.Compiler;
using Native.Layout;

namespace Implementation;

/// <summary>
/// select (docs/channels.md): Go's compiler rewrites (walkSelectCases: no case → block(), one channel case → the
/// plain op, one channel case and a default → selectnbsend/selectnbrecv), and runtime.selectgo (select.go) for the
/// rest, with its poll order, lock order, sellock/selunlock and passes 1–3.
/// </summary>
internal sealed unsafe partial class Sched
{
    /// <summary>How a select runs, decided by its shape (nil-ness is part of the declaration, so it is static too).</summary>
    private enum SelectForm : byte
    {
        /// <summary><c>select {}</c>: block() parks for good.</summary>
        Block,
        /// <summary>Only a default: Go's compiler runs its block.</summary>
        DefaultOnly,
        /// <summary>One channel case, no default: the plain chansend/chanrecv.</summary>
        Plain,
        /// <summary>One channel case and a default: selectnbsend/selectnbrecv.</summary>
        NonBlocking,
        /// <summary>selectgo (block = no default).</summary>
        General,
    }

    /// <summary>A select's static facts, by select number (<see cref="CompiledWorkload.Selects"/>).</summary>
    private sealed class SelectInfo
    {
        public SelectForm Form;
        /// <summary>Per case (source order): true for a send case.</summary>
        public bool[] Sends = [];
        /// <summary>Per case: the channel index, -1 for the default.</summary>
        public int[] Chans = [];
        public int Default = -1;
        /// <summary>The case indices of the non-nil channel cases, in source order (the poll set).</summary>
        public int[] PollSet = [];
        /// <summary>The channel case of a Plain or NonBlocking select.</summary>
        public int ChannelCase = -1;
    }

    private SelectInfo[] _selectInfo = [];

    private void DescribeSelects()
    {
        var w = Program.Workload;
        _selectInfo = new SelectInfo[Program.Selects.Length];
        for (var k = 0; k < _selectInfo.Length; k++)
        {
            var sel = Program.Selects[k];
            var cases = sel.CaseOps.ToArray();
            var info = new SelectInfo
            {
                Sends = [.. cases.Select(c => c.Kind == SelectCaseKind.Send)],
                Chans = [.. cases.Select(c => c.Chan is null ? -1 : w.ChannelIndex(c.Chan))],
                Default = sel.DefaultIndex,
            };
            info.PollSet = [.. Enumerable.Range(0, cases.Length).Where(i => info.Chans[i] >= 0 && !w.Channels[info.Chans[i]].IsNil)];
            var channelCases = sel.ChannelCases;
            if (channelCases == 1) info.ChannelCase = Array.FindIndex(info.Chans, c => c >= 0);
            info.Form = cases.Length == 0 ? SelectForm.Block
                : channelCases == 0 ? SelectForm.DefaultOnly
                : channelCases == 1 ? (info.Default < 0 ? SelectForm.Plain : SelectForm.NonBlocking)
                : SelectForm.General;
            _selectInfo[k] = info;
        }
    }

    /// <summary>
    /// The Select service: the case index taken, <see cref="RuntimeServices.SelectParks"/> (the g must park; pass 3
    /// is <see cref="SelectWoken"/>), or -1 after a panic. <paramref name="sendSlot"/> is the frame's send slot (the
    /// value is already in it when a case sends); the receive slot is the word below it.
    /// </summary>
    internal long Select(MState mp, G* gp, int number, long* sendSlot)
    {
        if ((uint)number >= (uint)_selectInfo.Length) Fatal("select: bad select number");
        var info = _selectInfo[number];
        switch (info.Form)
        {
            case SelectForm.Block:
                // Go's block(): gopark(nil, nil, waitReasonSelectNoCases, traceEvGoStop, 1). No Select event: no cases.
                ParkForever(mp, gp, (int)WaitReason.SelectNoCases, StopReason.SelectNoCases, -1);
                return RuntimeServices.SelectParks;
            case SelectForm.DefaultOnly:
                if (_tracing) Trace(mp, EventKind.Select, gp->Goid, 0, info.Default, 0, 1);
                return info.Default;
            case SelectForm.Plain:
            case SelectForm.NonBlocking:
            {
                var cc = info.ChannelCase;
                var block = info.Form == SelectForm.Plain;
                // The plain op's Select event comes first (it can only take its one case); the non-blocking one's
                // once chansend/chanrecv has decided, after any stale sudog its dequeue dropped.
                if (block && _tracing) Trace(mp, EventKind.Select, gp->Goid, 0, cc, info.PollSet.Length, 0);
                var note = new SelectNote
                {
                    Pending = !block, N = info.PollSet.Length, HasDefault = block ? 0 : 1, Case = cc, Default = info.Default,
                };
                var r = info.Sends[cc]
                    ? ChanSend(mp, gp, info.Chans[cc], sendSlot, block, ref note)
                    : ChanRecv(mp, gp, info.Chans[cc], sendSlot - 1, block, ref note);
                return r switch
                {
                    < 0 => r,
                    1 => RuntimeServices.SelectParks,
                    WouldBlock => info.Default,
                    _ => cc,
                };
            }
            default:
                return SelectGo(mp, gp, info, sendSlot);
        }
    }

    /// <summary>The SelectWoken service (a parked select runs again): the plain op's woken tail, or selectgo's pass 3.</summary>
    internal long SelectWoken(MState mp, G* gp, int number, long* sendSlot)
    {
        if ((uint)number >= (uint)_selectInfo.Length) Fatal("select: bad select number");
        var info = _selectInfo[number];
        if (info.Form == SelectForm.Plain)
        {
            var r = ChanWoken(mp, gp, info.Chans[info.ChannelCase], sendSlot);
            return r < 0 ? r : info.ChannelCase;
        }
        if (info.Form != SelectForm.General) Fatal("selectgo: bad wakeup");
        return SelectPass3(mp, gp, info);
    }

    /// <summary>The lock-order key of a case: its hchan's address (Go's c.sortkey()).</summary>
    private nint SortKey(SelectInfo info, int casi) => (nint)_chans[info.Chans[casi]];

    /// <summary>
    /// Mirrors runtime.selectgo (select.go), passes 1 and 2. The poll order is drawn per case as Go does
    /// (<c>j = fastrandn(i+1)</c>) when free-running, and is one recorded choice among n! when controlled
    /// (<see cref="ChanContract.PollOrder"/> decodes it); the lock order is Go's heap sort of the poll order by hchan
    /// address. All the cases' hchans stay locked from sellock to the case's end (selunlock) or, when it parks, to
    /// selparkcommit.
    /// </summary>
    private long SelectGo(MState mp, G* gp, SelectInfo info, long* sendSlot)
    {
        var recvSlot = sendSlot - 1;
        var n = info.PollSet.Length;
        var hasDefault = info.Default >= 0 ? 1 : 0;
        if (n == 0)
        {
            // Every channel case is nil: the default, or park for good (Go parks with waitReasonSelect).
            if (hasDefault != 0)
            {
                if (_tracing) Trace(mp, EventKind.Select, gp->Goid, 0, info.Default, 0, 1);
                return info.Default;
            }
            if (_tracing) Trace(mp, EventKind.Select, gp->Goid, 0, -1, 0, 0);
            // Every case's channel is nil: pass 2 queues nothing and selectgo parks with waitReasonSelect and
            // traceEvGoBlockSelect (not block()'s GoStop), for good.
            Gopark(mp, gp, null, 0, (int)WaitReason.Select, EventKind.GoBlockSelect, 0, 0);
            return RuntimeServices.SelectParks;
        }

        // Generate the permuted poll order.
        Span<int> poll = stackalloc int[n];
        long code;
        if (_controlled)
        {
            if (n > ChanContract.MaxSelectCases) Fatal($"selectgo: a controlled run draws the poll order of at most {ChanContract.MaxSelectCases} channel cases");
            code = _control!.Choose(ChanContract.PollOrderCount(n), ChoiceKind.SelectOrder, mp.Id);
            ChanContract.PollOrder((int)code, info.PollSet, poll);
        }
        else
        {
            code = 0;
            long radix = 1;
            for (var i = 0; i < n; i++)
            {
                var j = (int)mp.FastRandN((uint)(i + 1));
                poll[i] = poll[j];
                poll[j] = info.PollSet[i];
                if (n <= ChanContract.MaxSelectCases) code += j * radix;
                radix *= i + 1;
            }
            if (n > ChanContract.MaxSelectCases) code = -1; // n! does not fit the event's contract: not reported
        }
#if CHECKER_MUTANTS
        if (_mutant == Mutant.SelectIgnoresPollOrder) info.PollSet.CopyTo(poll); // seeded bug: source order
#endif

        // Sort the cases by hchan address to get the locking order: Go's heap sort, started from the poll order so
        // that cases on the same channel are permuted too.
        Span<int> lockorder = stackalloc int[n];
        for (var i = 0; i < n; i++)
        {
            var j = i;
            var c = SortKey(info, poll[i]);
            while (j > 0 && SortKey(info, lockorder[(j - 1) / 2]) < c)
            {
                var k = (j - 1) / 2;
                lockorder[j] = lockorder[k];
                j = k;
            }
            lockorder[j] = poll[i];
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var o = lockorder[i];
            var c = SortKey(info, o);
            lockorder[i] = lockorder[0];
            var j = 0;
            while (true)
            {
                var k = j * 2 + 1;
                if (k >= i) break;
                if (k + 1 < i && SortKey(info, lockorder[k]) < SortKey(info, lockorder[k + 1])) k++;
                if (c < SortKey(info, lockorder[k]))
                {
                    lockorder[j] = lockorder[k];
                    j = k;
                    continue;
                }
                break;
            }
            lockorder[j] = o;
        }
        Span<nint> locks = stackalloc nint[n];
        for (var i = 0; i < n; i++) locks[i] = SortKey(info, lockorder[i]);
        SelLock(locks);

        // Pass 1: look for something already waiting.
        foreach (var casi in poll)
        {
            var c = _chans[info.Chans[casi]];
            if (!info.Sends[casi])
            {
                var sg = Dequeue(mp, gp, c, ref c->SendQ, 0);
                if (sg != null)
                {
                    // recv: from a sleeping sender.
                    TraceSelect(mp, gp, code, casi, n, hasDefault);
                    Recv(mp, gp, c, sg, recvSlot, locks);
                    return casi;
                }
                if (c->QCount > 0)
                {
                    // bufrecv
                    TraceSelect(mp, gp, code, casi, n, hasDefault);
                    BufRecv(mp, gp, c, recvSlot);
                    SelUnlock(locks);
                    return casi;
                }
                if (c->Closed != 0)
                {
                    // rclose: read at the end of a closed channel.
                    TraceSelect(mp, gp, code, casi, n, hasDefault);
                    *recvSlot = 0;
                    if (_tracing) Trace(mp, EventKind.ChanRecv, gp->Goid, c->Index, 0, (long)ChanRecvMode.Closed, Packed(c));
                    SelUnlock(locks);
                    return casi;
                }
            }
            else
            {
                if (c->Closed != 0)
                {
                    // sclose
                    TraceSelect(mp, gp, code, casi, n, hasDefault);
                    SelUnlock(locks);
                    return Panic(gp, ChanContract.SendOnClosed);
                }
                var sg = Dequeue(mp, gp, c, ref c->RecvQ, 1, newest: _mutant == Mutant.ChanHandoffNewestReceiver);
                if (sg != null)
                {
                    // send: to a sleeping receiver.
                    TraceSelect(mp, gp, code, casi, n, hasDefault);
                    Send(mp, gp, c, sg, sendSlot, locks);
                    return casi;
                }
                if (c->QCount < c->DataQSiz)
                {
                    // bufsend
                    TraceSelect(mp, gp, code, casi, n, hasDefault);
                    c->Buf[c->SendX] = *sendSlot;
                    if (++c->SendX >= c->DataQSiz) c->SendX = 0;
                    c->QCount++;
                    if (_tracing) Trace(mp, EventKind.ChanSend, gp->Goid, c->Index, *sendSlot, (long)ChanSendMode.Buffered, Packed(c));
                    SelUnlock(locks);
                    return casi;
                }
            }
        }
        if (hasDefault != 0)
        {
            TraceSelect(mp, gp, code, info.Default, n, hasDefault);
            SelUnlock(locks);
            return info.Default;
        }
        TraceSelect(mp, gp, code, -1, n, hasDefault);

        // Pass 2: enqueue on all channels, in lock order.
        if (gp->Waiting != 0) Fatal("gp.waiting != nil");
        Sudog* head = null, tail = null;
        foreach (var casi in lockorder)
        {
            var c = _chans[info.Chans[casi]];
            var sg = AcquireSudog(mp);
            sg->G = gp;
            sg->IsSelect = 1;
            sg->Elem = info.Sends[casi] ? sendSlot : recvSlot;
            sg->C = c;
            sg->CaseIndex = casi;
            sg->Dir = info.Sends[casi] ? 0 : 1;
            sg->WaitLink = null;
            // Construct the waiting list in lock order.
            if (head == null) head = sg;
            else tail->WaitLink = sg;
            tail = sg;
            if (info.Sends[casi])
            {
                Enqueue(ref c->SendQ, sg);
                if (_tracing) Trace(mp, EventKind.ChanEnqueue, gp->Goid, c->Index, 0, c->SendQ.Len, casi);
            }
            else
            {
                Enqueue(ref c->RecvQ, sg);
                if (_tracing) Trace(mp, EventKind.ChanEnqueue, gp->Goid, c->Index, 1, c->RecvQ.Len, casi);
            }
        }
        gp->Waiting = (nint)head;
        gp->Param = 0;
        Gopark(mp, gp, &SelParkCommit, 0, (int)WaitReason.Select, EventKind.GoBlockSelect, n, 0);
        return RuntimeServices.SelectParks;
    }

    /// <summary>
    /// selectgo after its gopark (pass 3): sellock again, selectDone = 0, the sudog in g.param is the case that won;
    /// every other sudog is taken off its queue if a waker has not already popped it (dequeueSudoG); all are
    /// released. A send case woken by closechan panics.
    /// </summary>
    private long SelectPass3(MState mp, G* gp, SelectInfo info)
    {
        var list = (Sudog*)gp->Waiting;
        if (list == null) Fatal("selectgo: bad wakeup");
        Span<nint> locks = stackalloc nint[info.PollSet.Length];
        var n = 0;
        for (var s1 = list; s1 != null; s1 = s1->WaitLink)
        {
            if (n == locks.Length) Fatal("G waiting list is corrupted");
            locks[n++] = (nint)s1->C;
        }
        locks = locks[..n];
        SelLock(locks);
        Volatile.Write(ref gp->SelectDone, 0);
        var sg = (Sudog*)gp->Param;
        gp->Param = 0;
        // Clear every elem before unlinking from gp.waiting.
        for (var s1 = list; s1 != null; s1 = s1->WaitLink)
        {
            s1->IsSelect = 0;
            s1->Elem = null;
        }
        gp->Waiting = 0;
        int casi = -1, removed = 0;
        var success = false;
        var sendCase = false;
        var sglist = list;
        for (var i = 0; sglist != null; i++)
        {
            if (sglist == sg)
            {
                // sg has already been dequeued by the g that woke us up.
                casi = sglist->CaseIndex;
                success = sglist->Success != 0;
                sendCase = sglist->Dir == 0;
            }
            else
            {
                var c = (HChan*)locks[i];
                var taken = sglist->Dir == 0 ? DequeueSudoG(ref c->SendQ, sglist) : DequeueSudoG(ref c->RecvQ, sglist);
                if (taken) removed++;
            }
            var next = sglist->WaitLink;
            sglist->WaitLink = null;
            sglist->C = null;
            ReleaseSudog(mp, gp, sglist);
            sglist = next;
        }
        if (casi < 0) Fatal("selectgo: bad wakeup");
        if (_tracing) Trace(mp, EventKind.SelectWoken, gp->Goid, casi, removed, success ? 1 : 0);
        SelUnlock(locks);
        if (sendCase && !success) return Panic(gp, ChanContract.SendOnClosed); // sclose
        return casi;
    }

    private void TraceSelect(MState mp, G* gp, long code, int casi, int n, int hasDefault)
    {
        if (_tracing) Trace(mp, EventKind.Select, gp->Goid, code, casi, n, hasDefault);
    }

    /// <summary>Mirrors runtime.sellock (select.go): lock each hchan in lock order, a repeated one once.</summary>
    private static void SelLock(ReadOnlySpan<nint> locks)
    {
        nint c = 0;
        foreach (var c0 in locks)
        {
            if (c0 == c) continue;
            c = c0;
            ((HChan*)c)->Lock.Lock();
        }
    }

    /// <summary>Mirrors runtime.selunlock (select.go): unlock in reverse lock order, a repeated one once.</summary>
    private static void SelUnlock(ReadOnlySpan<nint> locks)
    {
        for (var i = locks.Length - 1; i >= 0; i--)
        {
            if (i > 0 && locks[i] == locks[i - 1]) continue; // will unlock it on the next iteration
            ((HChan*)locks[i])->Lock.Unlock();
        }
    }

    /// <summary>Mirrors runtime.selparkcommit (select.go): park_m's unlock function for a select, walking g.waiting
    /// (lock order) and unlocking each hchan once. A sudog is read only while its hchan is still locked.</summary>
    private static bool SelParkCommit(Sched s, G* gp, nint unused)
    {
        HChan* lastc = null;
        for (var sg = (Sudog*)gp->Waiting; sg != null; sg = sg->WaitLink)
        {
            if (sg->C != lastc && lastc != null) lastc->Lock.Unlock();
            lastc = sg->C;
        }
        if (lastc != null) lastc->Lock.Unlock();
        return true;
    }
}
