using Implementation.Trace;
using Model;

namespace Conformance.Refinement;

/// <summary>
/// Builds the two sides of a report's state comparison in the same keys: the model's state, and what the runtime's
/// trace showed of its own state up to a point (statuses from Status events, gobufs from GobufSave/GobufLoad, ring
/// indices from queue events, the global queue's size, P statuses, semaphore counts).
/// </summary>
public static class StateViews
{
    public static StateView Model(SchedState s, IReadOnlyList<string> semaphores)
    {
        var rows = new List<KeyValuePair<string, string>>();
        foreach (var g in s.AllGs)
        {
            if (g.Status == GStatus.Idle || g.Goid == 0) continue;
            rows.Add(new($"g{g.Goid}.status", TraceFormat.GStatusName((long)g.Status)));
            rows.Add(new($"g{g.Goid}.sched", Sched(g.Sched.Sp != 0, g.Sched.Pc.ToString(), g.Sched.Bp != 0)));
        }
        foreach (var p in s.Ps)
        {
            rows.Add(new($"p{p.Id}.status", TraceFormat.PStatusName((long)p.Status)));
            rows.Add(new($"p{p.Id}.runq", $"head={p.Head} tail={p.Tail}"));
            rows.Add(new($"p{p.Id}.runnext", p.RunNext == 0 ? "-" : $"g{s.AllGs[p.RunNext - 1].Goid}"));
        }
        rows.Add(new("sched.runqsize", s.RunQSize.ToString()));
        for (var i = 0; i < s.Semaphores; i++)
            rows.Add(new($"sema {Name(semaphores, i)}.count", s.SemaphoreCount(i).ToString()));
        return new StateView(rows);
    }

    /// <summary>What events [0, <paramref name="upTo"/>] of <paramref name="trace"/> show of the runtime's state.</summary>
    public static StateView Observed(IReadOnlyList<TraceEvent> trace, int upTo, Abstraction abs, int procs, IReadOnlyList<string> semaphores)
    {
        var status = new SortedDictionary<long, long>();
        var sched = new Dictionary<long, (bool Sp, string Pc, bool Bp)>();
        var head = new long[procs];
        var tail = new long[procs];
        var runnext = new long[procs];
        var pstatus = new long[procs];
        for (var i = 1; i < procs; i++) pstatus[i] = 0;
        if (procs > 0) pstatus[0] = 1;
        long globalSize = 0;
        var semas = new long[semaphores.Count];
        for (var i = 0; i <= upTo && i < trace.Count; i++)
        {
            var e = trace[i];
            var p = e.P;
            switch (e.Kind)
            {
                case EventKind.Status when e.G != 0: status[e.G] = e.B; break; // goid 0: a fresh g before newproc1 names it
                case EventKind.GobufSave:
                    sched[e.G] = (abs.Where(e.A, e.G) != Abstraction.Place.Zero, PcText(abs, e.B, e.G), abs.Where(e.C, e.G) != Abstraction.Place.Zero);
                    break;
                case EventKind.GobufLoad:
                    sched[e.G] = (false, PcText(abs, e.A, e.G), false);
                    break;
                case EventKind.RunqPut when InRange(p, procs): head[p] = e.A; tail[p] = e.B; break;
                case EventKind.RunqGet when InRange(p, procs):
                    if (e.C != 0) runnext[p] = 0;
                    else { head[p] = e.A; tail[p] = e.B; }
                    break;
                case EventKind.RunnextPut when InRange(p, procs): runnext[p] = e.G; break;
                case EventKind.RunqPutSlow when InRange(p, procs): head[p] = e.B; break;
                case EventKind.RunqSteal when InRange((int)e.A, procs):
                    if (e.D != 0) runnext[e.A] = 0;
                    else head[e.A] = e.C;
                    break;
                case EventKind.GlobRunqPut: globalSize = e.A; break;
                case EventKind.GlobRunqGet: globalSize = e.B; break;
                case EventKind.PStatus when InRange(p, procs): pstatus[p] = e.B; break;
                case EventKind.SemCount when e.A >= 0 && e.A < semas.Length: semas[e.A] = e.B; break;
            }
        }
        var rows = new List<KeyValuePair<string, string>>();
        foreach (var (g, st) in status)
        {
            rows.Add(new($"g{g}.status", TraceFormat.GStatusName(st)));
            if (sched.TryGetValue(g, out var sc)) rows.Add(new($"g{g}.sched", Sched(sc.Sp, sc.Pc, sc.Bp)));
        }
        for (var p = 0; p < procs; p++)
        {
            rows.Add(new($"p{p}.status", TraceFormat.PStatusName(pstatus[p])));
            rows.Add(new($"p{p}.runq", $"head={head[p]} tail={tail[p]}"));
            rows.Add(new($"p{p}.runnext", runnext[p] == 0 ? "-" : $"g{runnext[p]}"));
        }
        rows.Add(new("sched.runqsize", globalSize.ToString()));
        for (var i = 0; i < semas.Length; i++) rows.Add(new($"sema {Name(semaphores, i)}.count", semas[i].ToString()));
        return new StateView(rows);
    }

    private static bool InRange(int p, int procs) => p >= 0 && p < procs;

    private static string Name(IReadOnlyList<string> semaphores, int i) => i < semaphores.Count ? semaphores[i] : i.ToString();

    private static string PcText(Abstraction abs, long raw, long goid)
    {
        var code = abs.PcCode(raw, goid);
        return code < 0 ? $"0x{raw:x}?" : AbstractPc.FromCode(code).ToString();
    }

    private static string Sched(bool sp, string pc, bool bp) => $"sp={(sp ? "in stack" : "0")} pc={pc} bp={(bp ? "in stack" : "0")}";
}
