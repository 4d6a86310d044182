namespace Model;

/// <summary>
/// What one step of the model works on, passed by reference to every scheduler function of <see cref="Stepper"/>:
/// the configuration and compiled workload (fixed for a model), the state being changed in place, the event sink
/// (null when the checker only wants the next state) and the M taking the step (-1: sysmon). A ref struct, so it
/// lives for one step and cannot be kept.
/// </summary>
internal readonly ref struct StepContext(SchedConfig cfg, CompiledWorkload code, SchedState s, List<SchedEvent>? events, int m)
{
    public readonly SchedConfig Cfg = cfg;
    public readonly CompiledWorkload Code = code;
    public readonly SchedState S = s;
    public readonly List<SchedEvent>? Events = events;
    /// <summary>The M taking the step (-1: sysmon).</summary>
    public readonly int M = m;

    /// <summary>Appends an event of the stepping M (and its P) when there is a sink.</summary>
    public void Emit(EventKind kind, long g, long a = 0, long b = 0, long c = 0, long d = 0)
    {
        if (Events is null) return;
        var p = M >= 0 ? S.Ms[M].P - 1 : -1;
        Events.Add(new SchedEvent(kind, M, p, g, a, b, c, d));
    }

    /// <summary>Appends an event whose P field is <paramref name="p"/>, not the stepping M's (sysmon's steps).</summary>
    public void EmitOn(P p, EventKind kind, long g, long a = 0)
    {
        Events?.Add(new SchedEvent(kind, M, p.Id, g, a));
    }

    /// <summary>Appends a PStatus event: its P field is the P whose status changed.</summary>
    public void EmitP(P p, PStatus from, PStatus to)
    {
        if (Events is null) return;
        Events.Add(new SchedEvent(EventKind.PStatus, M, p.Id, 0, (long)from, (long)to));
    }

    /// <summary>The g in a slot + 1 reference (queues, m.curg, p.runnext).</summary>
    public G GOf(int slotPlusOne) => S.AllGs[slotPlusOne - 1];

    /// <summary>The goid of a slot + 1 reference, 0 for nil.</summary>
    public long GoidOf(int slotPlusOne) => slotPlusOne == 0 ? 0 : S.AllGs[slotPlusOne - 1].Goid;

    /// <summary>m.p.</summary>
    public P POf(M m) => S.Ps[m.P - 1];
}
