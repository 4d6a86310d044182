namespace Model;

/// <summary>The global run queue, sched.runq (reference §5.2): FIFO under sched.lock.</summary>
internal static partial class Stepper
{
    /// <summary>Mirrors runtime.globrunqput (proc.go): the global queue's tail.</summary>
    internal static void GlobRunQPut(in StepContext cx, G g)
    {
        var s = cx.S;
        s.RunQ.Add(g.Slot);
        s.RunQSize++;
        cx.Emit(EventKind.GlobRunqPut, g.Goid, s.RunQSize);
    }

    /// <summary>Mirrors runtime.globrunqget (proc.go, 1.19): n = min(size, size/gomaxprocs+1, max if > 0, 128);
    /// returns the first and runqputs the rest into the local ring.</summary>
    internal static G? GlobRunQGet(in StepContext cx, P p, int max)
    {
        var s = cx.S;
        if (s.RunQSize == 0) return null;
        var n = s.RunQSize / s.Ps.Count + 1;
        if (n > s.RunQSize) n = s.RunQSize;
        if (max > 0 && n > max) n = max;
        if (n > SchedConstants.RunQHalf) n = SchedConstants.RunQHalf;
        s.RunQSize -= n;
        var gp = s.AllGs[s.RunQ[0]];
        s.RunQ.RemoveAt(0);
        cx.Emit(EventKind.GlobRunqGet, gp.Goid, n, s.RunQSize);
        for (var i = 1; i < n; i++)
        {
            var g1 = s.AllGs[s.RunQ[0]];
            s.RunQ.RemoveAt(0);
            RunQPut(cx, p, g1, next: false);
        }
        return gp;
    }
}
