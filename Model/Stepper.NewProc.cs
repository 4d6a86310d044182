namespace Model;

internal static partial class Stepper
{
    /// <summary>Mirrors runtime.newproc (proc.go): on the system stack, newproc1, runqput(pp, newg, next=true), and
    /// wakep if mainStarted. <paramref name="parent"/> is null for rt0_go's newproc of main.</summary>
    internal static void NewProc(in StepContext cx, G? parent, int body, int ordinal)
    {
        var m = cx.S.Ms[cx.M];
        var p = cx.POf(m);
        if (parent is not null) SystemstackSave(cx, parent, ordinal);
        var newg = NewProc1(cx, body, parent, p);
        RunQPut(cx, p, newg, next: true);
        if (cx.S.MainStarted) WakeP(cx);
        if (parent is not null) SystemstackReturn(parent);
    }

    /// <summary>Mirrors runtime.newproc1 (proc.go, 1.19 order): gfget or malg (E1) + E2; a fresh gobuf (sp = top,
    /// pc = goexit+1, g, then gostartcallfn: pc = entry, ctxt = fn); E3; then the goid from the P's cache.</summary>
    internal static G NewProc1(in StepContext cx, int body, G? parent, P p)
    {
        var s = cx.S;
        var newg = GfGet(cx, p);
        if (newg is null)
        {
            newg = new G(s.AllGs.Count, s.RepeatDepth) { Status = GStatus.Idle, StackSize = cx.Cfg.StartingStackBytes(s.AllGs.Count) };
            CasGStatus(cx, newg, GStatus.Idle, GStatus.Dead, Transitions.NewProcFresh);
            s.AllGs.Add(newg); // allgadd, published while dead
        }
        if (newg.Status != GStatus.Dead) throw new ModelThrowException(Throw.NewprocNotDead);
        newg.Sched = default;
        newg.Sched.Sp = FrameAbi.NewProcTotalSize;
        newg.Sched.Pc = AbstractPc.GoExit;
        newg.Sched.G = newg.Slot + 1;
        // gostartcallfn: pushes goexit+1 (sp = hi − TopBytes), pc = fn.fn, ctxt = fn; bp stays 0.
        newg.Sched.Sp = FrameAbi.TopBytes;
        newg.Sched.Pc = AbstractPc.Entry;
        newg.Sched.Ctxt = true;
        newg.Body = body;
        newg.After = -1;
        Array.Clear(newg.Counters);
        // A new goid: its sends count from 1 again (ChanValues); the stack's slots start clear.
        newg.SendSeq = 0;
        newg.RecvSlot = 0;
        if (p.GoidCache == p.GoidCacheEnd)
        {
            // goidcache = goidgen += _GoidCacheBatch, minus _GoidCacheBatch - 1.
            s.GoidGen += SchedConstants.GoidCacheBatch;
            p.GoidCache = s.GoidGen - (SchedConstants.GoidCacheBatch - 1);
            p.GoidCacheEnd = p.GoidCache + SchedConstants.GoidCacheBatch;
        }
        // Δtip order, shared with the native runtime: the goid is assigned before E3, so E3's event names it.
        newg.Goid = p.GoidCache++;
        CasGStatus(cx, newg, GStatus.Dead, GStatus.Runnable, Transitions.NewProc);
        cx.Emit(EventKind.GoCreate, parent?.Goid ?? 0, newg.Goid, body, newg.StackSize);
        return newg;
    }
}
