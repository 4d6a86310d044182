using Model.Contract;
using Model;
using Model.Workload;

namespace Conformance.GoSide;

/// <summary>
/// The one place where GoSide touches the model's contract types (the event alphabet, g statuses, the transition
/// table, the model's outcome), so that the move of those types into a shared contract namespace changes only this file.
/// </summary>
internal static class ModelContract
{
    /// <summary>The model's prediction on one P, sysmon off (no time-dependent choice), stacks growing as Go's do.</summary>
    public static ModelPrediction PredictOneP(Workload workload, uint initialSchedTick = 0)
    {
        var model = new SchedModel(workload, new SchedConfig { Procs = 1, Sysmon = false, GrowStacks = true, InitialSchedTick = initialSchedTick });
        var (final, _, events) = model.RunToCompletion();
        var created = new List<(long, int)>();
        var starts = new List<long>();
        var parks = new Dictionary<long, int>();
        var first = true;
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case EventKind.GoCreate: created.Add((e.A, (int)e.B)); break;
                case EventKind.GoStart:
                    if (first) first = false; // main's first start is the model's boot; Go's main is already running
                    else starts.Add(e.G);
                    break;
                case EventKind.GoBlock: parks[e.G] = parks.GetValueOrDefault(e.G) + 1; break;
            }
        }
        var semas = workload.Semaphores();
        var blocked = new Dictionary<long, string>();
        foreach (var g in final.AllGs)
            if (g.Status == GStatus.Waiting && g.WaitSema > 0) blocked[g.Goid] = semas[g.WaitSema - 1];
        var end = final.Outcome switch
        {
            Outcome.Completed => ModelEnd.Completed,
            Outcome.Fatal when final.Fatal == Throw.Deadlock => ModelEnd.Deadlock,
            _ => ModelEnd.Fatal,
        };
        var message = final.Outcome == Outcome.Fatal ? "fatal error: " + final.Fatal.Message() : "completed";
        return new ModelPrediction(created, starts, end, blocked, parks, message);
    }

    /// <summary>Whether a status change Go's trace shows is an edge of the model's table (a new goroutine: E3,
    /// dead → runnable, which newproc1 takes after E1/E2 or gfget).</summary>
    public static bool IsLegal(GoStatus? from, GoStatus to, out string edge)
    {
        var f = from is { } x ? (GStatus)(uint)x : GStatus.Dead;
        var t = (GStatus)(uint)to;
        var e = Transitions.Find(f, t);
        edge = e is null ? $"{f.GoName()} -> {t.GoName()}" : $"E{e.Number} {f.GoName()} -> {t.GoName()} ({e.GoFunction})";
        return e is not null;
    }
}
