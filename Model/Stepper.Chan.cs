using Model.Workload;

namespace Model;

/// <summary>
/// Channels (chan.go, Go 1.19; docs/channels.md is the contract both sides keep): chansend, chanrecv, closechan,
/// waitq.dequeue, send and recv, and the code of chansend and chanrecv after their gopark. The runtime's twin is
/// Implementation/Sched.Chan.cs. Each op runs as one systemstack service: <see cref="SystemstackSave"/> first and
/// <see cref="SystemstackReturn"/> last, with no event; an op that blocks then parks by mcall from the op, as a
/// semaphore acquire does. Values are <see cref="ChanValues"/>: a g's send slot holds <see cref="G.SendValue"/>, its
/// receive slot <see cref="G.RecvSlot"/>.
/// <para>Where the model differs from Go: there are no locks (a step is atomic, so hchan.lock and the select's
/// sellock have nothing to order); sudogs are not pooled (acquireSudog/releaseSudog leave no trace); the fast paths
/// of a non-blocking send or receive that see a full or empty channel without the lock are not modelled apart: in
/// every state the model reaches they decide as the locked path does (a queue with only stale select sudogs is never
/// seen by them: the first send or receive that follows pops those), so the model always takes the locked path.</para>
/// </summary>
internal static partial class Stepper
{
    /// <summary>waitq's two queues, as ChanEnqueue and ChanDequeueStale name them.</summary>
    internal const int SendQ = 0, RecvQ = 1;

    /// <summary>
    /// Mirrors runtime.chansend with block = true (chan.go), for <c>send c</c> and the single-case select Go's
    /// compiler turns into one. The g has already put its value in its send slot. A nil channel parks the g for good;
    /// a closed one panics; a waiting receiver gets the value straight into its receive slot and is readied; room in
    /// the buffer takes it; otherwise the g queues a sudog on sendq and parks ("chan send"), and its next step runs
    /// <see cref="ChanWoken"/>. <paramref name="resumeAt"/> is where the g goes on once the send is done: the op itself,
    /// or the select case whose block runs next.
    /// </summary>
    internal static void ChanSend(in StepContext cx, M m, G g, int ordinal, int c, int resumeAt)
    {
        var h = cx.S.Chans[c];
        var value = g.SendValue;
        if (h.IsNil)
        {
            GoPark(cx, m, g, ordinal, WaitReason.ChanSendNilChan, EventKind.GoStop, (long)StopReason.SendNilChan, c);
            return;
        }
        SystemstackSave(cx, g, ordinal);
        if (h.Closed) throw Panic(Throw.SendOnClosed, g);
        if (Dequeue(cx, g, h, RecvQ, out var sg))
        {
            Send(cx, m, g, h, sg, value);
        }
        else if (h.QCount < h.Capacity)
        {
            BufSend(cx, g, h, value);
        }
        else
        {
            Enqueue(cx, g, h, SendQ, new Sudog(g.Slot, -1, value));
            SystemstackReturn(g);
            GoPark(cx, m, g, ordinal, WaitReason.ChanSend, EventKind.GoBlockSend, c);
            return;
        }
        g.After = resumeAt;
        SystemstackReturn(g);
    }

    /// <summary>
    /// Mirrors runtime.chanrecv with block = true (chan.go), for <c>recv c</c> and the single-case select. A nil
    /// channel parks the g for good; closed and empty gives 0 and !ok; a waiting sender is taken (recv); a non-empty
    /// buffer gives its oldest value; otherwise the g queues a sudog on recvq and parks ("chan receive").
    /// </summary>
    internal static void ChanRecv(in StepContext cx, M m, G g, int ordinal, int c, int resumeAt)
    {
        var h = cx.S.Chans[c];
        if (h.IsNil)
        {
            GoPark(cx, m, g, ordinal, WaitReason.ChanReceiveNilChan, EventKind.GoStop, (long)StopReason.RecvNilChan, c);
            return;
        }
        SystemstackSave(cx, g, ordinal);
        if (h.Closed && h.QCount == 0)
        {
            RecvClosed(cx, g, h);
        }
        else if (!h.Closed && Dequeue(cx, g, h, SendQ, out var sg))
        {
            Recv(cx, m, g, h, sg);
        }
        else if (h.QCount > 0)
        {
            BufRecv(cx, g, h);
        }
        else
        {
            Enqueue(cx, g, h, RecvQ, new Sudog(g.Slot, -1));
            SystemstackReturn(g);
            GoPark(cx, m, g, ordinal, WaitReason.ChanReceive, EventKind.GoBlockRecv, c);
            return;
        }
        g.After = resumeAt;
        SystemstackReturn(g);
    }

    /// <summary>
    /// Mirrors runtime.closechan (chan.go): a nil or closed channel panics; else closed = 1, every waiting receiver
    /// is dequeued (its receive slot cleared, success = false), then every waiting sender (success = false), each
    /// pushed on a gList; ChanClose; then the gList is popped, so the last g dequeued is readied first (each into this
    /// P's runnext, evicting the one before to the ring).
    /// </summary>
    internal static void CloseChan(in StepContext cx, M m, G g, int ordinal, int c)
    {
        var s = cx.S;
        var h = s.Chans[c];
        if (h.IsNil) throw Panic(Throw.CloseOfNil, g);
        SystemstackSave(cx, g, ordinal);
        if (h.Closed) throw Panic(Throw.CloseOfClosed, g);
        h.Closed = true;
        Span<int> glist = stackalloc int[h.RecvQ.Count + h.SendQ.Count];
        int top = 0, receivers = 0;
        while (Dequeue(cx, g, h, RecvQ, out var sg))
        {
            var gp = s.AllGs[sg.G];
            gp.RecvSlot = 0; // typedmemclr(sg.elem)
            Wake(gp, sg, success: false);
            glist[top++] = sg.G;
            receivers++;
        }
        while (Dequeue(cx, g, h, SendQ, out var sg))
        {
            Wake(s.AllGs[sg.G], sg, success: false);
            glist[top++] = sg.G;
        }
        cx.Emit(EventKind.ChanClose, g.Goid, c, receivers, top - receivers);
        while (top > 0) Ready(cx, m, s.AllGs[glist[--top]], g, c, byChannel: true);
        SystemstackReturn(g);
    }

    /// <summary>
    /// Mirrors waitq.dequeue (chan.go): pops the head sudog; a select's sudog whose select another waker already won
    /// (the CAS of its g's selectDone from 0 to 1 fails) is dropped with ChanDequeueStale and the loop goes on;
    /// otherwise a select's sudog wins its select (selectDone = 1) and is returned.
    /// </summary>
    internal static bool Dequeue(in StepContext cx, G by, Hchan h, int q, out Sudog sg)
    {
        var list = q == SendQ ? h.SendQ : h.RecvQ;
        while (list.Count > 0)
        {
            sg = list[0];
            list.RemoveAt(0);
            if (sg.IsSelect)
            {
                var gp = cx.S.AllGs[sg.G];
                if (gp.SelectDone)
                {
                    cx.Emit(EventKind.ChanDequeueStale, by.Goid, h.Index, q, gp.Goid);
                    continue;
                }
                gp.SelectDone = true;
            }
            return true;
        }
        sg = default;
        return false;
    }

    /// <summary>waitq.enqueue (chan.go) of <paramref name="sg"/> at the tail, with its ChanEnqueue event.</summary>
    internal static void Enqueue(in StepContext cx, G g, Hchan h, int q, Sudog sg)
    {
        var list = q == SendQ ? h.SendQ : h.RecvQ;
        list.Add(sg);
        cx.Emit(EventKind.ChanEnqueue, g.Goid, h.Index, q, list.Count, sg.Case);
    }

    /// <summary>What the waker writes into the woken g: gp.param = the sudog (here its case) and sudog.success.</summary>
    private static void Wake(G gp, Sudog sg, bool success)
    {
        gp.WakeCase = sg.Case;
        gp.WakeSuccess = success;
    }

    /// <summary>
    /// Mirrors runtime.send (chan.go): the value goes straight into the waiting receiver's receive slot (sendDirect;
    /// for a buffered channel the buffer is empty, and Go moves recvx/sendx only under the race detector); the
    /// receiver's param and success are set and it is readied. Event: ChanSend(Direct), then ready's.
    /// </summary>
    internal static void Send(in StepContext cx, M m, G g, Hchan h, Sudog sg, long value)
    {
        var gp = cx.S.AllGs[sg.G];
        gp.RecvSlot = value;
        LedgerAdd(h, value);
        LedgerTake(h, value);
        cx.Emit(EventKind.ChanSend, g.Goid, h.Index, value, (long)ChanSendMode.Direct, h.Packed);
        Wake(gp, sg, success: true);
        Ready(cx, m, gp, g, h.Index, byChannel: true);
    }

    /// <summary>
    /// Mirrors runtime.recv (chan.go): from a waiting sender. Unbuffered: its value straight into our receive slot
    /// (recvDirect). Buffered, which means full: we take the value at recvx and the sender's value goes into that
    /// slot, recvx moves on and sendx = recvx. Then the sender's param and success are set and it is readied.
    /// </summary>
    internal static void Recv(in StepContext cx, M m, G g, Hchan h, Sudog sg)
    {
        ChanRecvMode mode;
        if (h.Capacity == 0)
        {
            LedgerAdd(h, sg.Value); // the sender's send completes now
            g.RecvSlot = sg.Value;
            LedgerTake(h, g.RecvSlot);
            mode = ChanRecvMode.Direct;
        }
        else
        {
            g.RecvSlot = h.Buf[h.RecvX];
            LedgerTake(h, g.RecvSlot);
            h.Buf[h.RecvX] = sg.Value;
            LedgerAdd(h, sg.Value);
            h.RecvX = (h.RecvX + 1) % h.Capacity;
            h.SendX = h.RecvX;
            mode = ChanRecvMode.BufferedHandoff;
        }
        cx.Emit(EventKind.ChanRecv, g.Goid, h.Index, g.RecvSlot, (long)mode, h.Packed);
        var gp = cx.S.AllGs[sg.G];
        Wake(gp, sg, success: true);
        Ready(cx, m, gp, g, h.Index, byChannel: true);
    }

    /// <summary>chansend's <c>qcount &lt; dataqsiz</c> branch (and selectgo's bufsend): the value into the slot at
    /// sendx, sendx moves on (wrapping), qcount++.</summary>
    internal static void BufSend(in StepContext cx, G g, Hchan h, long value)
    {
        h.Buf[h.SendX] = value;
        LedgerAdd(h, value);
        h.SendX = (h.SendX + 1) % h.Capacity;
        h.QCount++;
        cx.Emit(EventKind.ChanSend, g.Goid, h.Index, value, (long)ChanSendMode.Buffered, h.Packed);
    }

    /// <summary>chanrecv's <c>qcount &gt; 0</c> branch (and selectgo's bufrecv): the value at recvx into our receive
    /// slot, that slot cleared, recvx moves on (wrapping), qcount--.</summary>
    internal static void BufRecv(in StepContext cx, G g, Hchan h)
    {
        g.RecvSlot = h.Buf[h.RecvX];
        LedgerTake(h, g.RecvSlot);
        h.Buf[h.RecvX] = 0;
        h.RecvX = (h.RecvX + 1) % h.Capacity;
        h.QCount--;
        cx.Emit(EventKind.ChanRecv, g.Goid, h.Index, g.RecvSlot, (long)ChanRecvMode.Buffered, h.Packed);
    }

    /// <summary>chanrecv on a closed, empty channel (and selectgo's rclose): the receive slot cleared, !ok.</summary>
    internal static void RecvClosed(in StepContext cx, G g, Hchan h)
    {
        g.RecvSlot = 0;
        if (h.Ledger.Count != 0) h.FifoBroken = true; // a value was sent and is lost
        cx.Emit(EventKind.ChanRecv, g.Goid, h.Index, 0, (long)ChanRecvMode.Closed, h.Packed);
    }

    /// <summary>The ledger (not Go's): a send on <paramref name="h"/> completed with <paramref name="value"/>.</summary>
    private static void LedgerAdd(Hchan h, long value) => h.Ledger.Add(value);

    /// <summary>The ledger (not Go's): a receive got <paramref name="value"/>, which must be the oldest unreceived one.</summary>
    private static void LedgerTake(Hchan h, long value)
    {
        if (h.Ledger.Count > 0 && h.Ledger[0] == value) { h.Ledger.RemoveAt(0); return; }
        h.FifoBroken = true;
        h.Ledger.Remove(value);
    }

    /// <summary>The panic of a channel op: Go's <c>panic(plainError(msg))</c>, unrecovered (fatal).</summary>
    private static ModelThrowException Panic(Throw what, G g) => new(what, g.Goid);

    /// <summary>
    /// The first thing a g woken by a channel does in its next Run step: the rest of the op it parked in. For
    /// chansend and chanrecv (and the single-case select) that is <see cref="ChanWoken"/>; for selectgo, pass 3
    /// (<see cref="SelectWoken"/>). Like the op, it runs as one systemstack service.
    /// </summary>
    internal static void ChanTail(in StepContext cx, M m, G g)
    {
        var code = cx.Code.Bodies[g.Body];
        var n = g.After;
        SystemstackSave(cx, g, n);
        if (code.Ops[n] is SelectOp)
        {
            var info = cx.Code.SelectAt(g.Body, n);
            if (info.Kind == SelectKind.Selectgo) SelectWoken(cx, g, info);
            else
            {
                ChanWoken(cx, g, info.CaseChans[0], info.CaseKinds[0] == SelectCaseKind.Send);
                g.After = info.CaseOrdinals[0];
            }
        }
        else ChanWoken(cx, g, code.Chan[n], code.Ops[n] is SendOp);
        SystemstackReturn(g);
    }

    /// <summary>
    /// Mirrors the code of chansend and chanrecv after gopark returns (chan.go): gp.waiting and gp.param cleared, the
    /// sudog released; ChanWoken with the value (a send: the value it sent; a receive: what its receive slot now holds)
    /// and success. A send woken by closechan panics "send on closed channel".
    /// </summary>
    internal static void ChanWoken(in StepContext cx, G g, int c, bool send)
    {
        var success = g.WakeSuccess;
        g.WakeCase = G.NoWake;
        g.WakeSuccess = false;
        cx.Emit(EventKind.ChanWoken, g.Goid, c, send ? g.SendValue : g.RecvSlot, success ? 1 : 0, send ? 0 : 1);
        if (send && !success) throw Panic(Throw.SendOnClosed, g);
    }
}
