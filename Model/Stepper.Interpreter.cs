using Model.Workload;

namespace Model;

/// <summary>The workload interpreter: a g's user code between two entries into the runtime.</summary>
internal static partial class Stepper
{
    /// <summary>Runs M's curg from where it resumes through its next op that enters the runtime. For M0 at boot:
    /// rt0_go's newproc(runtime.main), then schedule. <paramref name="pollCode"/> is the poll order of the select the
    /// g reaches, when the action carries one (<see cref="PollChoices"/>).
    /// <para>Where a g resumes: after the op at <see cref="G.After"/> (its subtree's end), except when After is a
    /// select case: the select chose that case and the g enters the case's block. When a case's block ends, the g goes
    /// on after the select. A g woken by a semaphore first retries it; a g woken by a channel first runs the rest of
    /// the op it parked in (<see cref="ChanTail"/>); either is the whole step.</para></summary>
    internal static void Run(in StepContext cx, M m, int pollCode = -1)
    {
        var s = cx.S;
        if (m.Phase == MPhase.Boot)
        {
            // rt0_go → schedinit → procresize: M0 acquires P0; then newproc(runtime.main).
            var p0 = s.Ps[m.NextP - 1];
            m.NextP = 0;
            AcquireP(cx, m, p0);
            NewProc(cx, null, cx.Code.MainBody, -1);
            m.Phase = MPhase.Schedule;
            return;
        }
        var g = cx.GOf(m.Curg);
        cx.POf(m).SliceFresh = false; // the slice has run user code (or a runtime op's tail) now
        // runtime.main sets mainStarted before anything else runs on the main goroutine.
        s.MainStarted = true;
        var code = cx.Code.Bodies[g.Body];
        if (g.WaitSema < 0)
        {
            // Woken by semrelease: semacquire1 loops back to cansemacquire (take the count, or queue again and park).
            var sema = -g.WaitSema - 1;
            g.WaitSema = 0;
            SemAcquire(cx, m, g, g.After, sema);
            return;
        }
        if (g.WakeCase != G.NoWake)
        {
            ChanTail(cx, m, g);
            return;
        }
        ResumeAt(code, g, out var n, out var e);
        var atEntry = g.After < 0 && g.ResumeCall < 0;
        g.ResumeCall = -1;
        if (atEntry && CheckEntryStack(cx, g, code)) return;
        while (true)
        {
            var blockEnd = e < 0 ? code.Count : code.End[e];
            if (n == blockEnd)
            {
                if (e < 0) { GoExit1(cx, m, g, -1); return; }
                switch (code.Ops[e])
                {
                    case RepeatOp:
                    {
                        var slot = code.RepDepth[e];
                        if (--g.Counters[slot] > 0) { n = e + 1; continue; }
                        g.Counters[slot] = 0;
                        break;
                    }
                    case SelectCaseOp:
                        // The chosen case's block is done: go on after the select.
                        e = code.Parent[e];
                        break;
                }
                n = code.End[e];
                e = code.Parent[e];
                continue;
            }
            if (!code.Sched[n])
            {
                if (RunPure(cx, g, code, n)) return;
                n = code.End[n];
                continue;
            }
            switch (code.Ops[n])
            {
                case RepeatOp r:
                    if (r.Count == 0) { n = code.End[n]; continue; }
                    g.Counters[code.RepDepth[n]] = r.Count;
                    e = n;
                    n++;
                    continue;
                case CallOp:
                    if (CheckStack(cx, g, code, n)) return;
                    e = n;
                    n++;
                    continue;
                case GoOp:
                    g.After = n;
                    NewProc(cx, g, code.Target[n], n);
                    return;
                case YieldOp:
                    g.After = n;
                    Gosched(cx, m, g, n);
                    return;
                case AcquireOp:
                    g.After = n;
                    SemAcquire(cx, m, g, n, code.Sema[n]);
                    return;
                case ReleaseOp:
                    g.After = n;
                    SemRelease(cx, m, g, n, code.Sema[n]);
                    return;
                case SyscallOp:
                    g.After = n;
                    EnterSyscall(cx, m, g, n);
                    return;
                case ExitOp:
                    g.After = n;
                    GoExit1(cx, m, g, n);
                    return;
                case SendOp:
                    g.After = n;
                    g.SendSeq++; // the emitted code writes the value into the send slot before the call
                    ChanSend(cx, m, g, n, code.Chan[n], n);
                    return;
                case RecvOp:
                    g.After = n;
                    ChanRecv(cx, m, g, n, code.Chan[n], n);
                    return;
                case CloseOp:
                    g.After = n;
                    CloseChan(cx, m, g, n, code.Chan[n]);
                    return;
                case SelectOp:
                    g.After = n;
                    Select(cx, m, g, n, pollCode);
                    return;
                case SleepOp sl:
                    g.After = n;
                    TimeSleep(cx, m, g, n, sl.Micros);
                    return;
                case IoOp io:
                    g.After = n;
                    NetpollBlock(cx, m, g, n, io.Micros);
                    return;
            }
        }
    }

    /// <summary>Where <paramref name="g"/>'s next Run step starts: op <paramref name="n"/> of the block whose op is
    /// <paramref name="e"/> (-1: the body). After the op at <see cref="G.After"/> (its subtree's end), or inside the
    /// select case After names, or at the body's start (After = -1), or at the prologue of the call newstack preempted
    /// it at (<see cref="G.ResumeCall"/>).</summary>
    private static void ResumeAt(CompiledWorkload.BodyCode code, G g, out int n, out int e)
    {
        if (g.ResumeCall >= 0) { n = g.ResumeCall; e = code.Parent[n]; }
        else if (g.After < 0) { n = 0; e = -1; }
        else if (code.Ops[g.After] is SelectCaseOp) { n = g.After + 1; e = g.After; }
        else { n = code.End[g.After]; e = code.Parent[g.After]; }
    }

    /// <summary>An op whose subtree never enters the scheduler: only the stack checks of its calls matter, and a
    /// repeat's later iterations check nothing new (the stack only grows, and the step's first checked prologue has
    /// delivered any preemption request). Returns true when a check preempted the g (the step ends). A g preempted
    /// inside a pure repeat resumes at that call and finishes the iteration; the repeat's later iterations, whose
    /// count the model does not keep for pure code, would check nothing new.</summary>
    internal static bool RunPure(in StepContext cx, G g, CompiledWorkload.BodyCode code, int n)
    {
        switch (code.Ops[n])
        {
            case CallOp:
                if (CheckStack(cx, g, code, n)) return true;
                for (var c = n + 1; c < code.End[n]; c = code.End[c])
                    if (RunPure(cx, g, code, c)) return true;
                break;
            case RepeatOp r when r.Count > 0:
                for (var c = n + 1; c < code.End[n]; c = code.End[c])
                    if (RunPure(cx, g, code, c)) return true;
                break;
        }
        return false;
    }

    /// <summary>Whether running the pure op <paramref name="n"/> passes a checked prologue (a call that runs).</summary>
    private static bool PureChecksPrologue(CompiledWorkload.BodyCode code, int n)
    {
        switch (code.Ops[n])
        {
            case CallOp:
                return true;
            case RepeatOp r when r.Count > 0:
                for (var c = n + 1; c < code.End[n]; c = code.End[c])
                    if (PureChecksPrologue(code, c)) return true;
                break;
        }
        return false;
    }

    /// <summary>
    /// The ordinal of the op that enters the runtime in <paramref name="g"/>'s next Run step, or -1 (the end of its
    /// body, a semaphore retry, a channel op's tail). Walks like <see cref="Run"/> without changing anything: a repeat
    /// block is only ever ended here if the g resumed inside it (a freshly entered block has an op that enters the
    /// runtime, found first), so the g's own counters say whether it loops. Stack checks are left out: a prologue
    /// that throws would end the step before the op, whatever this returns. A prologue that a pending preemption
    /// request makes enter newstack ends the step before the op too: -1 then, so no poll orders are offered for it.
    /// </summary>
    internal static int PeekNextOp(CompiledWorkload.BodyCode code, G g)
    {
        if (g.WaitSema < 0 || g.WakeCase != G.NoWake) return -1;
        ResumeAt(code, g, out var n, out var e);
        if (g.GuardPreempt && g.After < 0 && g.ResumeCall < 0) return -1; // the body's own prologue delivers it
        while (true)
        {
            var blockEnd = e < 0 ? code.Count : code.End[e];
            if (n == blockEnd)
            {
                if (e < 0) return -1;
                if (code.Ops[e] is RepeatOp && g.Counters[code.RepDepth[e]] > 1) { n = e + 1; continue; }
                if (code.Ops[e] is SelectCaseOp) e = code.Parent[e];
                n = code.End[e];
                e = code.Parent[e];
                continue;
            }
            if (!code.Sched[n])
            {
                if (g.GuardPreempt && PureChecksPrologue(code, n)) return -1;
                n = code.End[n];
                continue;
            }
            switch (code.Ops[n])
            {
                case RepeatOp r:
                    if (r.Count == 0) { n = code.End[n]; continue; }
                    e = n;
                    n++;
                    continue;
                case CallOp:
                    if (g.GuardPreempt) return -1;
                    e = n;
                    n++;
                    continue;
                default:
                    return n;
            }
        }
    }

    /// <summary>How many Run actions M's next step offers: the poll orders (n!) of the selectgo its curg reaches with
    /// n ≥ 2 non-nil channel cases, else 1.</summary>
    internal static int PollChoices(CompiledWorkload code, SchedState s, M m)
    {
        if (!code.HasPollChoices || m.Phase != MPhase.Running || m.Curg == 0) return 1;
        var g = s.AllGs[m.Curg - 1];
        var body = code.Bodies[g.Body];
        var n = PeekNextOp(body, g);
        if (n < 0 || body.Ops[n] is not SelectOp) return 1;
        return code.Selects[body.Select[n]].PollChoices;
    }
}
