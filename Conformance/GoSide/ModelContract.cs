using System.Collections.Immutable;
using Model.Contract;
using Model;
using Model.Workload;

namespace Conformance.GoSide;

/// <summary>What Go's one-P run showed, in creation indices: main is 0 and the i-th goroutine main or another created is
/// i. <see cref="CreatedBodies"/>[i - 1] is goroutine i's body; <see cref="Starts"/> is the run-slice order (every
/// GoStart of a workload goroutine after the start marker).</summary>
public sealed record GoObservation(IReadOnlyList<int> CreatedBodies, IReadOnlyList<int> Starts)
{
    /// <summary>The run slices (indices into <see cref="Starts"/>) that ended in a GoPreempt: sysmon's cooperative
    /// preemption. The model's Preempt choice is followed only within these.</summary>
    public IReadOnlySet<int> PreemptedSlices { get; init; } = new HashSet<int>();
}

/// <summary>
/// The one place where GoSide touches the model's contract types (the event alphabet, g statuses, the transition
/// table, the model's outcome), so that the move of those types into a shared contract namespace changes only this file.
/// </summary>
internal static class ModelContract
{
    /// <summary>At most this many agreeing model paths are followed at once (the guided PredictOneP).</summary>
    public const int MaxAlternatives = 4096;

    private static SchedModel OneP(Workload workload, uint initialSchedTick, bool preemption = false) =>
        new(workload, new SchedConfig
        {
            Procs = 1, Sysmon = preemption, SysmonRetakes = false, GrowStacks = true, InitialSchedTick = initialSchedTick,
        });

    /// <summary>The model's prediction on one P, sysmon off (no time-dependent choice), stacks growing as Go's do. Where
    /// the model offers a choice (a select's poll order), the first action is taken.</summary>
    public static ModelPrediction PredictOneP(Workload workload, uint initialSchedTick = 0) =>
        Replay(OneP(workload, initialSchedTick), workload, []);

    /// <summary>The one-P prediction that takes, at the n-th state with several actions, the action
    /// <paramref name="choices"/>[n] (the first once they run out).</summary>
    public static ModelPrediction PredictOneP(Workload workload, IReadOnlyList<int> choices, uint initialSchedTick = 0) =>
        Replay(OneP(workload, initialSchedTick), workload, choices);

    /// <summary>
    /// The model's prediction on one P that follows Go's run where the model has a choice. On one P, with sysmon making
    /// preemption requests only (no retake), the states with several enabled actions are those where the running M's
    /// next step has alternatives (a select with two or more ready cases: one Run action per poll order) and those
    /// where sysmon may preempt the running g (its body has a call and its time slice has run: Go's trace shows
    /// where sysmon did, GoPreempt); any such state is treated alike. Every
    /// alternative is tried, and a path is kept while the goroutines it creates (bodies, in order) and the run slices
    /// it starts are a prefix of Go's (<paramref name="observed"/>); paths that reach the same model state with the
    /// same progress are one. A finished path that agrees with the whole of Go's run is preferred, then (through
    /// <paramref name="prefer"/>) one whose outcome is Go's. When no path agrees to the end, the one that agreed
    /// longest is completed with first choices, so that the comparison names the first run slice that differs.
    /// </summary>
    public static ModelPrediction PredictOneP(Workload workload, GoObservation observed, uint initialSchedTick = 0, Func<ModelPrediction, bool>? prefer = null)
    {
        // Preemption requests are choices only where Go preempted: in a slice that ended in GoPreempt. Elsewhere a
        // request would only multiply the paths (one delivered later disagrees with Go; one never delivered agrees and
        // changes nothing that is compared).
        var model = OneP(workload, initialSchedTick, preemption: observed.PreemptedSlices.Count > 0);
        var mainBody = workload.BodyIndex(Workload.MainBody);
        var frontier = new List<Path> { new(model.Initial(), ImmutableList<int>.Empty, ImmutableDictionary<long, int>.Empty, 0, 0, false) };
        var agreeing = new List<Path>();
        Path? longest = null;
        var widest = 1;
        var enabled = new List<SchedAction>();
        for (var round = 0; frontier.Count > 0 && round < 1_000_000; round++)
        {
            var next = new List<Path>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var path in frontier)
            {
                enabled.Clear();
                model.Actions(path.State, enabled);
                if (enabled.Count == 0)
                {
                    if (path.Starts == observed.Starts.Count && path.Created == observed.CreatedBodies.Count + 1) agreeing.Add(path);
                    else if (longest is null || path.Starts > longest.Starts) longest = path;
                    continue;
                }
                for (var a = 0; a < enabled.Count; a++)
                {
                    if (enabled[a].Kind == SchedActionKind.Preempt && !observed.PreemptedSlices.Contains(path.Starts - 1)) continue;
                    var (state, events) = model.Step(path.State, enabled[a]);
                    var stepped = path with { State = state, Choices = enabled.Count > 1 ? path.Choices.Add(a) : path.Choices };
                    var agrees = Observe(ref stepped, events, observed, mainBody);
                    if (!agrees)
                    {
                        if (longest is null || stepped.Starts > longest.Starts) longest = stepped;
                        continue;
                    }
                    var key = $"{stepped.Created}/{stepped.Starts}/{stepped.Booted}/{Convert.ToBase64String(state.ToBytes())}";
                    if (seen.Add(key)) next.Add(stepped);
                }
            }
            if (next.Count > MaxAlternatives) next.RemoveRange(MaxAlternatives, next.Count - MaxAlternatives);
            widest = Math.Max(widest, next.Count);
            frontier = next;
            if (agreeing.Count >= 64) break;
        }
        ModelPrediction? chosen = null;
        foreach (var path in agreeing)
        {
            var p = Replay(model, workload, path.Choices) with { Alternatives = widest };
            chosen ??= p;
            if (prefer is null || prefer(p)) return p;
        }
        if (chosen is not null) return chosen;
        return Replay(model, workload, longest?.Choices ?? []) with { Alternatives = widest };
    }

    /// <summary>One path of the model followed against Go's run: its state, the index of the action taken at each
    /// state with a choice, Go's creation index of each model goid, and how much of Go's run it has matched.</summary>
    private sealed record Path(SchedState State, ImmutableList<int> Choices, ImmutableDictionary<long, int> Index, int Created, int Starts, bool Booted);

    private static bool Observe(ref Path path, IReadOnlyList<SchedEvent> events, GoObservation observed, int mainBody)
    {
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case EventKind.GoCreate:
                {
                    var i = path.Created;
                    var body = (int)e.B;
                    if (i == 0 ? body != mainBody : i > observed.CreatedBodies.Count || observed.CreatedBodies[i - 1] != body) return false;
                    path = path with { Created = i + 1, Index = path.Index.SetItem(e.A, i) };
                    break;
                }
                case EventKind.GoStart:
                    if (!path.Booted) { path = path with { Booted = true }; break; }
                    if (path.Starts >= observed.Starts.Count || !path.Index.TryGetValue(e.G, out var idx) || observed.Starts[path.Starts] != idx) return false;
                    path = path with { Starts = path.Starts + 1 };
                    break;
            }
        }
        return true;
    }

    /// <summary>Runs the model from its initial state, taking at the n-th state with several actions the action
    /// <paramref name="choices"/>[n] (the first once they run out), and describes the run.</summary>
    private static ModelPrediction Replay(SchedModel model, Workload workload, IReadOnlyList<int> choices)
    {
        var s = model.Initial();
        var events = new List<SchedEvent>();
        var enabled = new List<SchedAction>();
        var choice = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            enabled.Clear();
            model.Actions(s, enabled);
            if (enabled.Count == 0) break;
            var a = enabled.Count > 1 ? (choice < choices.Count ? choices[choice] : 0) : 0;
            if (enabled.Count > 1) choice++;
            var (next, stepEvents) = model.Step(s, enabled[Math.Min(a, enabled.Count - 1)]);
            events.AddRange(stepEvents);
            s = next;
        }
        return Describe(workload, s, events) with { Choices = choice };
    }

    private static ModelPrediction Describe(Workload workload, SchedState final, IReadOnlyList<SchedEvent> events)
    {
        var created = new List<(long, int)>();
        var starts = new List<long>();
        var parks = new Dictionary<long, int>();
        // Per g: its last park annotation, the channels its last select queued on, and whether it ran a select since it
        // last started (a select with only nil cases parks with GoStop like `select {}`, but Go calls it "select").
        var lastPark = new Dictionary<long, SchedEvent>();
        var selectChans = new Dictionary<long, List<int>>();
        var selectSinceStart = new HashSet<long>();
        var first = true;
        foreach (var e in events)
        {
            switch (e.Kind)
            {
                case EventKind.GoCreate: created.Add((e.A, (int)e.B)); break;
                case EventKind.GoStart:
                    if (first) first = false; // main's first start is the model's boot; Go's main is already running
                    else starts.Add(e.G);
                    selectSinceStart.Remove(e.G);
                    break;
                case EventKind.GoBlock or EventKind.GoBlockSend or EventKind.GoBlockRecv or EventKind.GoBlockSelect or EventKind.GoStop:
                    parks[e.G] = parks.GetValueOrDefault(e.G) + 1;
                    lastPark[e.G] = e;
                    break;
                case EventKind.Select:
                    selectSinceStart.Add(e.G);
                    selectChans[e.G] = [];
                    break;
                case EventKind.ChanEnqueue when e.D >= 0:
                    if (!selectChans.TryGetValue(e.G, out var list)) selectChans[e.G] = list = [];
                    list.Add((int)e.A);
                    break;
            }
        }
        var semas = workload.Semaphores();
        var blocked = new Dictionary<long, BlockedAt>();
        foreach (var g in final.AllGs)
        {
            if (g.Status != GStatus.Waiting) continue;
            if (g.WaitSema > 0) { blocked[g.Goid] = BlockedAt.Semaphore(semas[g.WaitSema - 1]); continue; }
            if (!lastPark.TryGetValue(g.Goid, out var park)) { blocked[g.Goid] = new BlockedAt(WaitReason.None, "?"); continue; }
            blocked[g.Goid] = park.Kind switch
            {
                EventKind.GoBlockSend => BlockedAt.Channels(WaitReason.ChanSend, workload, [(int)park.A]),
                EventKind.GoBlockRecv => BlockedAt.Channels(WaitReason.ChanReceive, workload, [(int)park.A]),
                EventKind.GoBlockSelect => BlockedAt.Channels(WaitReason.Select, workload, selectChans.GetValueOrDefault(g.Goid) ?? []),
                EventKind.GoStop => (StopReason)park.A switch
                {
                    StopReason.SendNilChan => BlockedAt.Channels(WaitReason.ChanSendNilChan, workload, [(int)park.B]),
                    StopReason.RecvNilChan => BlockedAt.Channels(WaitReason.ChanReceiveNilChan, workload, [(int)park.B]),
                    _ => new BlockedAt(selectSinceStart.Contains(g.Goid) ? WaitReason.Select : WaitReason.SelectNoCases, ""),
                },
                _ => new BlockedAt(WaitReason.None, "?"),
            };
        }
        var message = final.Outcome == Outcome.Fatal ? "fatal error: " + final.Fatal.Message() : "completed";
        string? panic = null;
        var end = final.Outcome switch
        {
            Outcome.Completed => ModelEnd.Completed,
            Outcome.Fatal when final.Fatal == Throw.Deadlock => ModelEnd.Deadlock,
            _ => ModelEnd.Fatal,
        };
        if (final.Outcome == Outcome.Fatal && final.Fatal.IsPanic())
        {
            panic = final.FatalText; // ChanContract.PanicText with the panicking g's goid
            message = panic;
            end = ModelEnd.Panic;
        }
        return new ModelPrediction(created, starts, end, blocked, parks, message) { Panic = panic };
    }

    /// <summary>The wait reason whose Go words are <paramref name="goWords"/>, or null.</summary>
    public static WaitReason? ReasonOf(string goWords)
    {
        foreach (var r in Enum.GetValues<WaitReason>())
            if (r != WaitReason.None && r.GoName() == goWords) return r;
        return null;
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
