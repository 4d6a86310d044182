namespace Model;

/// <summary>The per-P run queue (reference §5.1): a 256-slot ring with free-running head and tail, plus runnext.</summary>
internal static partial class Stepper
{
    /// <summary>Mirrors runtime.runqput (proc.go). With next, gp goes to runnext and the evicted runnext to the tail;
    /// a full ring spills half to the global queue (runqputslow).</summary>
    internal static void RunQPut(in StepContext cx, P p, G gp, bool next)
    {
        if (next)
        {
            var old = p.RunNext;
            p.RunNext = gp.Slot + 1;
            cx.Emit(EventKind.RunnextPut, gp.Goid, cx.GoidOf(old));
            if (old == 0) return;
            gp = cx.GOf(old);
        }
        var h = p.Head;
        var t = p.Tail;
        if (unchecked(t - h) < SchedConstants.RunQSize)
        {
            p.RunQ[t % SchedConstants.RunQSize] = gp.Slot + 1;
            p.Tail = unchecked(t + 1);
            cx.Emit(EventKind.RunqPut, gp.Goid, h, p.Tail);
            return;
        }
        RunQPutSlow(cx, p, gp, h, t);
    }

    /// <summary>Mirrors runtime.runqputslow (proc.go): moves the 128 oldest gs plus gp (129, FIFO) to the global
    /// queue. Throws "runqputslow: queue is not full" unless the ring is exactly full.</summary>
    internal static void RunQPutSlow(in StepContext cx, P p, G gp, uint h, uint t)
    {
        var s = cx.S;
        var n = unchecked(t - h) / 2;
        if (n != SchedConstants.RunQHalf) throw new ModelThrowException(Throw.RunqPutSlowNotFull);
        for (var i = 0u; i < n; i++) s.RunQ.Add(p.RunQ[unchecked(h + i) % SchedConstants.RunQSize] - 1);
        p.Head = unchecked(h + n);
        s.RunQ.Add(gp.Slot); // globrunqputbatch under sched.lock
        s.RunQSize += (int)n + 1;
        cx.Emit(EventKind.RunqPutSlow, gp.Goid, n + 1, p.Head, s.RunQSize);
    }

    /// <summary>Mirrors runtime.runqget (proc.go): runnext first (inheritTime), then the ring's head.</summary>
    internal static G? RunQGet(in StepContext cx, P p, out bool inheritTime)
    {
        inheritTime = false;
        if (p.RunNext != 0)
        {
            var g = cx.GOf(p.RunNext);
            p.RunNext = 0;
            inheritTime = true;
            cx.Emit(EventKind.RunqGet, g.Goid, p.Head, p.Tail, 1);
            return g;
        }
        if (p.Head == p.Tail) return null;
        var gp = cx.GOf(p.RunQ[p.Head % SchedConstants.RunQSize]);
        p.Head = unchecked(p.Head + 1);
        cx.Emit(EventKind.RunqGet, gp.Goid, p.Head, p.Tail, 0);
        return gp;
    }

    /// <summary>Mirrors runtime.runqsteal and runqgrab (proc.go): takes ceil(n/2) of the victim's ring into the
    /// thief's, or, when the ring is empty and on the last pass, the victim's runnext. Returns the last g taken.</summary>
    internal static G? RunQSteal(in StepContext cx, P p, P victim)
    {
        const int size = SchedConstants.RunQSize;
        var h = victim.Head;
        var t = victim.Tail;
        var n = unchecked(t - h);
        n -= n / 2;
        var pt = p.Tail;
        var tookNext = false;
        if (n == 0)
        {
            // stealRunNext: only reached on stealWork's last pass, since any ring with work is found before it.
            if (victim.RunNext == 0) return null;
            p.RunQ[pt % size] = victim.RunNext;
            victim.RunNext = 0;
            n = 1;
            tookNext = true;
        }
        else
        {
            for (var i = 0u; i < n; i++) p.RunQ[unchecked(pt + i) % size] = victim.RunQ[unchecked(h + i) % size];
            victim.Head = unchecked(h + n);
        }
        var taken = n;
        n--;
        var gp = cx.GOf(p.RunQ[unchecked(pt + n) % size]);
        if (n != 0)
        {
            if (unchecked(pt - p.Head) + n >= size) throw new ModelThrowException(Throw.RunqStealOverflow);
            p.Tail = unchecked(pt + n);
        }
        cx.Emit(EventKind.RunqSteal, gp.Goid, victim.Id, taken, victim.Head, tookNext ? 1 : 0);
        return gp;
    }
}
