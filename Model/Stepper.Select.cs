using Model.Workload;

namespace Model;

/// <summary>
/// select (select.go, Go 1.19, and the forms Go's compiler rewrites a select into; docs/channels.md). The runtime's
/// twin is Implementation/Sched.Select.cs. Every select emits a Select event once it has decided (ours, not the
/// tracer's), so each choice is visible. The poll order of a selectgo with n ≥ 2 non-nil channel cases is the Run
/// action's choice (<see cref="SchedAction.Victim"/>, decoded by <c>ChanContract.PollOrder</c>); the lock order is Go's
/// heap sort of it with the channel index standing for the hchan's address.
/// </summary>
internal static partial class Stepper
{
    /// <summary>
    /// A <c>select</c> op at <paramref name="ordinal"/>. A select with a send case starts a send whichever case wins:
    /// its value goes into the send slot first. Then, by the select's shape (<see cref="SelectKind"/>): <c>select {}</c>
    /// is Go's block(); one channel case and no default is the plain chansend/chanrecv Go's compiler rewrites it into
    /// (its Select event comes first, naming that case); one channel case and a default is selectnbsend/selectnbrecv;
    /// anything else is <see cref="SelectGo"/>.
    /// </summary>
    internal static void Select(in StepContext cx, M m, G g, int ordinal, int pollCode)
    {
        var info = cx.Code.SelectAt(g.Body, ordinal);
        var choices = info.PollChoices;
        if (pollCode < 0 && choices == 1) pollCode = 0;
        if ((uint)pollCode >= (uint)choices)
            throw new InvalidOperationException($"select {info.Number} has {choices} poll orders; the Run action carries {pollCode}");
        if (info.HasSend) g.SendSeq++;
        switch (info.Kind)
        {
            case SelectKind.Block:
                // block(): gopark(nil, nil, waitReasonSelectNoCases, traceEvGoStop), for good.
                GoPark(cx, m, g, ordinal, WaitReason.SelectNoCases, EventKind.GoStop, (long)StopReason.SelectNoCases, -1);
                return;
            case SelectKind.Plain:
            {
                var c = info.CaseChans[0];
                EmitSelect(cx, g, info, 0, 0);
                if (info.CaseKinds[0] == SelectCaseKind.Send) ChanSend(cx, m, g, ordinal, c, info.CaseOrdinals[0]);
                else ChanRecv(cx, m, g, ordinal, c, info.CaseOrdinals[0]);
                return;
            }
            case SelectKind.NonBlocking:
                SelectNb(cx, m, g, ordinal, info);
                return;
            default:
                SelectGo(cx, m, g, ordinal, info, pollCode);
                return;
        }
    }

    /// <summary>The Select event: A = the poll order's code, B = the case taken (-1: it parks), C = the non-nil
    /// channel cases, D = 1 with a default.</summary>
    private static void EmitSelect(in StepContext cx, G g, SelectInfo info, int code, int casi) =>
        cx.Emit(EventKind.Select, g.Goid, code, casi, info.PollCases.Length, info.HasDefault ? 1 : 0);

    /// <summary>
    /// Mirrors runtime.selectnbsend and selectnbrecv (chan.go: chansend/chanrecv with block = false), which Go's
    /// compiler calls for a select with one channel case and a default: the case if it can go on at once (a send on
    /// a closed channel still panics), else the default. A nil channel takes the default.
    /// </summary>
    internal static void SelectNb(in StepContext cx, M m, G g, int ordinal, SelectInfo info)
    {
        var k = info.DefaultIndex == 0 ? 1 : 0;
        var d = info.DefaultIndex;
        var h = cx.S.Chans[info.CaseChans[k]];
        SystemstackSave(cx, g, ordinal);
        var taken = d;
        if (h.IsNil) { }
        else if (info.CaseKinds[k] == SelectCaseKind.Send)
        {
            if (h.Closed)
            {
                EmitSelect(cx, g, info, 0, k);
                throw Panic(Throw.SendOnClosed, g);
            }
            if (Dequeue(cx, g, h, RecvQ, out var sg)) { taken = k; EmitSelect(cx, g, info, 0, k); Send(cx, m, g, h, sg, g.SendValue); }
            else if (h.QCount < h.Capacity) { taken = k; EmitSelect(cx, g, info, 0, k); BufSend(cx, g, h, g.SendValue); }
        }
        else
        {
            if (h.Closed && h.QCount == 0) { taken = k; EmitSelect(cx, g, info, 0, k); RecvClosed(cx, g, h); }
            else if (!h.Closed && Dequeue(cx, g, h, SendQ, out var sg)) { taken = k; EmitSelect(cx, g, info, 0, k); Recv(cx, m, g, h, sg); }
            else if (h.QCount > 0) { taken = k; EmitSelect(cx, g, info, 0, k); BufRecv(cx, g, h); }
        }
        if (taken == d) EmitSelect(cx, g, info, 0, d);
        g.After = info.CaseOrdinals[taken];
        SystemstackReturn(g);
    }

    /// <summary>
    /// Mirrors runtime.selectgo (select.go), passes 1 and 2. The poll order comes from <paramref name="pollCode"/>
    /// (Go draws it with fastrandn); the lock order is Go's heap sort of it by channel (<see cref="LockOrder"/>).
    /// Pass 1 walks the poll order: a receive case takes a waiting sender, then a buffered value, then a closed
    /// channel's zero; a send case panics on a closed channel, then takes a waiting receiver, then room in the
    /// buffer. The first case that can go on wins; else the default; else pass 2 queues one select sudog per case in
    /// lock order and parks ("select"); its next step runs pass 3 (<see cref="SelectWoken"/>). With no non-nil
    /// channel case and no default the g parks for good (Go's pass 2 then queues nothing).
    /// </summary>
    internal static void SelectGo(in StepContext cx, M m, G g, int ordinal, SelectInfo info, int pollCode)
    {
        var s = cx.S;
        var n = info.PollCases.Length;
        SystemstackSave(cx, g, ordinal);
        if (n == 0)
        {
            if (info.HasDefault)
            {
                EmitSelect(cx, g, info, 0, info.DefaultIndex);
                g.After = info.CaseOrdinals[info.DefaultIndex];
                SystemstackReturn(g);
                return;
            }
            // Every case's channel is nil: selectgo's pass 2 queues nothing and gopark(selparkcommit, nil,
            // waitReasonSelect, traceEvGoBlockSelect) parks the g for good. (Until vs-go compared this with Go 1.19's
            // own trace, both sides traced it as GoStop, which only block(), select {}, emits.)
            EmitSelect(cx, g, info, 0, -1);
            SystemstackReturn(g);
            GoPark(cx, m, g, ordinal, WaitReason.Select, EventKind.GoBlockSelect, 0);
            return;
        }
        Span<int> pollorder = stackalloc int[n];
        ChanContract.PollOrder(pollCode, info.PollCases, pollorder);
        Span<int> lockorder = stackalloc int[n];
        LockOrder(info, pollorder, lockorder);
        var value = g.SendValue;

        // Pass 1: look for something already waiting.
        foreach (var casi in pollorder)
        {
            var h = s.Chans[info.CaseChans[casi]];
            if (info.CaseKinds[casi] == SelectCaseKind.Recv)
            {
                if (Dequeue(cx, g, h, SendQ, out var sg)) { EmitSelect(cx, g, info, pollCode, casi); Recv(cx, m, g, h, sg); }
                else if (h.QCount > 0) { EmitSelect(cx, g, info, pollCode, casi); BufRecv(cx, g, h); }
                else if (h.Closed) { EmitSelect(cx, g, info, pollCode, casi); RecvClosed(cx, g, h); }
                else continue;
            }
            else
            {
                if (h.Closed)
                {
                    EmitSelect(cx, g, info, pollCode, casi);
                    throw Panic(Throw.SendOnClosed, g);
                }
                if (Dequeue(cx, g, h, RecvQ, out var sg)) { EmitSelect(cx, g, info, pollCode, casi); Send(cx, m, g, h, sg, value); }
                else if (h.QCount < h.Capacity) { EmitSelect(cx, g, info, pollCode, casi); BufSend(cx, g, h, value); }
                else continue;
            }
            g.After = info.CaseOrdinals[casi];
            SystemstackReturn(g);
            return;
        }
        if (info.HasDefault)
        {
            EmitSelect(cx, g, info, pollCode, info.DefaultIndex);
            g.After = info.CaseOrdinals[info.DefaultIndex];
            SystemstackReturn(g);
            return;
        }

        // Pass 2: enqueue on all channels, in lock order.
        EmitSelect(cx, g, info, pollCode, -1);
        foreach (var casi in lockorder)
        {
            var h = s.Chans[info.CaseChans[casi]];
            var send = info.CaseKinds[casi] == SelectCaseKind.Send;
            Enqueue(cx, g, h, send ? SendQ : RecvQ, new Sudog(g.Slot, casi, send ? value : 0));
        }
        SystemstackReturn(g);
        GoPark(cx, m, g, ordinal, WaitReason.Select, EventKind.GoBlockSelect, n);
    }

    /// <summary>
    /// selectgo's lock order (select.go): a heap sort of the poll order by the cases' channels, exactly as Go writes
    /// it (a max-heap built by sifting up, then popped by sifting down), so cases on the same channel come out in
    /// Go's order. The channel index stands for the hchan's address (sortkey); the runtime allocates hchans in index
    /// order, so its addresses sort the same way.
    /// </summary>
    internal static void LockOrder(SelectInfo info, ReadOnlySpan<int> pollorder, Span<int> lockorder)
    {
        var chans = info.CaseChans;
        for (var i = 0; i < pollorder.Length; i++)
        {
            var j = i;
            var c = chans[pollorder[i]];
            while (j > 0 && chans[lockorder[(j - 1) / 2]] < c)
            {
                var k = (j - 1) / 2;
                lockorder[j] = lockorder[k];
                j = k;
            }
            lockorder[j] = pollorder[i];
        }
        for (var i = pollorder.Length - 1; i >= 0; i--)
        {
            var o = lockorder[i];
            var c = chans[o];
            lockorder[i] = lockorder[0];
            var j = 0;
            while (true)
            {
                var k = j * 2 + 1;
                if (k >= i) break;
                if (k + 1 < i && chans[lockorder[k]] < chans[lockorder[k + 1]]) k++;
                if (c < chans[lockorder[k]])
                {
                    lockorder[j] = lockorder[k];
                    j = k;
                    continue;
                }
                break;
            }
            lockorder[j] = o;
        }
    }

    /// <summary>
    /// Mirrors selectgo's pass 3 (select.go), the first thing the woken g does: selectDone := 0; gp.param names the
    /// case whose sudog woke it; every other case's sudog is taken off its queue if a waker has not already popped it
    /// (dequeueSudoG); SelectWoken; a send case woken by closechan panics "send on closed channel" (a receive case
    /// woken by it got 0 and !ok in its receive slot). Then the case's block runs. Go walks the cases in lock order;
    /// the model walks them by index, which leaves the queues the same (each case has its own sudog).
    /// </summary>
    internal static void SelectWoken(in StepContext cx, G g, SelectInfo info)
    {
        var s = cx.S;
        g.SelectDone = false;
        var k = g.WakeCase;
        var success = g.WakeSuccess;
        g.WakeCase = G.NoWake;
        g.WakeSuccess = false;
        if ((uint)k >= (uint)info.CaseKinds.Length) throw new ModelThrowException(Throw.BadSelectWakeup);
        var takenOff = 0;
        foreach (var casi in info.PollCases)
        {
            if (casi == k) continue;
            var h = s.Chans[info.CaseChans[casi]];
            var list = info.CaseKinds[casi] == SelectCaseKind.Send ? h.SendQ : h.RecvQ;
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].G != g.Slot || list[i].Case != casi) continue;
                list.RemoveAt(i);
                takenOff++;
                break;
            }
        }
        cx.Emit(EventKind.SelectWoken, g.Goid, k, takenOff, success ? 1 : 0);
        if (info.CaseKinds[k] == SelectCaseKind.Send && !success) throw Panic(Throw.SendOnClosed, g);
        g.After = info.CaseOrdinals[k];
    }
}
