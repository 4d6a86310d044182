using Model.Workload;

namespace Model;

/// <summary>The workload interpreter: a g's user code between two entries into the runtime.</summary>
internal static partial class Stepper
{
    /// <summary>Runs M's curg from where it resumes through its next op that enters the runtime. For M0 at boot:
    /// rt0_go's newproc(runtime.main), then schedule.</summary>
    internal static void Run(in StepContext cx, M m)
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
        int n, e;
        if (g.After < 0)
        {
            n = 0;
            e = -1;
            CheckEntryStack(cx, g, code);
        }
        else { n = code.End[g.After]; e = code.Parent[g.After]; }
        while (true)
        {
            var blockEnd = e < 0 ? code.Count : code.End[e];
            if (n == blockEnd)
            {
                if (e < 0) { GoExit1(cx, m, g, -1); return; }
                if (code.Ops[e] is RepeatOp)
                {
                    var slot = code.RepDepth[e];
                    if (--g.Counters[slot] > 0) { n = e + 1; continue; }
                    g.Counters[slot] = 0;
                }
                n = code.End[e];
                e = code.Parent[e];
                continue;
            }
            if (!code.Sched[n])
            {
                RunPure(cx, g, code, n);
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
                    CheckStack(cx, g, code, n);
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
            }
        }
    }

    /// <summary>An op whose subtree never enters the scheduler: only the stack checks of its calls matter, and a
    /// repeat's later iterations check nothing new (the stack only grows).</summary>
    internal static void RunPure(in StepContext cx, G g, CompiledWorkload.BodyCode code, int n)
    {
        switch (code.Ops[n])
        {
            case CallOp:
                CheckStack(cx, g, code, n);
                for (var c = n + 1; c < code.End[n]; c = code.End[c]) RunPure(cx, g, code, c);
                break;
            case RepeatOp r when r.Count > 0:
                for (var c = n + 1; c < code.End[n]; c = code.End[c]) RunPure(cx, g, code, c);
                break;
        }
    }
}
