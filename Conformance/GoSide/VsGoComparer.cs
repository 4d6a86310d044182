using Model.Workload;

namespace Conformance.GoSide;

/// <summary>
/// Holds a Go run of a workload against the model. One P (<see cref="CompareOneP"/>): the run-slice order (every
/// GoStart of a workload goroutine after the start marker, Go's goids mapped to the model's by creation order) and the
/// outcome (completed, or deadlocked: who is blocked, on which semaphore, with which wait reason) must equal the
/// model's prediction. Several Ps (<see cref="CompareMultiP"/>): Go's run is not reproducible, so its status
/// projection is checked instead: see that method.
/// </summary>
public static class VsGoComparer
{
    /// <summary>The wait reason Go's dump gives a goroutine parked in semacquire (waitReasonSemacquire).</summary>
    public const string SemacquireReason = "semacquire";

    public static VsGoVerdict CompareOneP(Workload w, GoProgram program, GoRun run, uint phase = 0)
    {
        if (Unusable(run) is { } bad) return bad;
        var view = new GoWorkloadView(run.Trace!, run.Workload);
        if (view.Marker < 0) return new VsGoVerdict(VsGoVerdictKind.Error, "the trace has no 'checker start' marker: the harness never reached the workload");
        if (view.Perturbation(preemptionModelled: true) is { } p) return new VsGoVerdict(VsGoVerdictKind.Perturbed, p);
        // Where the model has a choice (a select's poll order, sysmon's preemption of a g that runs calls), follow Go: keep the model paths whose creations and
        // run slices agree with Go's, and among those that agree to the end prefer one that ends as Go's run did.
        var model = ModelContract.PredictOneP(w, Observe(view), phase, candidate =>
        {
            if (MapGoroutines(w, view, candidate, out var map) is not null) return false;
            var (text, end, blocked, error) = GoOutcome(w, program, run, view, map);
            return error is null && SameEnd(end, text, blocked, candidate);
        });
        if (MapGoroutines(w, view, model, out var toModel) is { } mapError)
            return new VsGoVerdict(VsGoVerdictKind.Disagree, mapError);

        var goOrder = view.Trace.Events
            .Where(e => view.InWorkload(e.Index) && e.Kind == GoEventType.GoStart && toModel.ContainsKey(e.G))
            .Select(e => toModel[e.G]).ToList();
        var modelOrder = model.Starts;
        var (goOutcome, goEnd, goBlocked, outcomeError) = GoOutcome(w, program, run, view, toModel);
        var modelOutcome = Describe(model);
        var common = new VsGoVerdict(VsGoVerdictKind.Agree, "")
        {
            GoOrder = goOrder, ModelOrder = modelOrder, GoOutcome = goOutcome, ModelOutcome = modelOutcome, GoEvents = view.Trace.Events.Count,
        };
        if (outcomeError is not null) return common with { Kind = VsGoVerdictKind.Error, Message = outcomeError };

        var diff = -1;
        for (var i = 0; i < Math.Max(goOrder.Count, modelOrder.Count); i++)
            if (i >= goOrder.Count || i >= modelOrder.Count || goOrder[i] != modelOrder[i]) { diff = i; break; }
        string? known = null; // no deliberate difference is listed today (docs/go-vs-model.md)
        if (diff >= 0)
        {
            string Slice(IReadOnlyList<long> order) => diff < order.Count ? $"g{order[diff]} ({BodyOf(w, model, order[diff])})" : "nothing (its run is over)";
            var msg = $"run slice {diff + 1} differs: Go runs {Slice(goOrder)}, the model runs {Slice(modelOrder)}" +
                      $"; before it both ran [{string.Join(" ", goOrder.Take(diff).Select(g => $"g{g}"))}]";
            return common with { Kind = VsGoVerdictKind.Disagree, Message = msg, FirstDifference = diff, Known = known };
        }
        if (!SameEnd(goEnd, goOutcome, goBlocked, model))
            return common with { Kind = VsGoVerdictKind.Disagree, Message = $"the runs end differently: Go {goOutcome}; the model {modelOutcome}", Known = known };
        var choices = model.Choices > 0 ? $"; the model's {model.Choices} choice{(model.Choices == 1 ? "" : "s")} (select poll orders) followed Go's run" : "";
        return common with { Message = $"{goOrder.Count} run slices and the outcome ({goOutcome}) agree{choices}" };
    }

    /// <summary>Go's one-P run in creation indices (main 0, the i-th goroutine created i), for the model to follow.</summary>
    private static GoObservation Observe(GoWorkloadView view)
    {
        var index = new Dictionary<ulong, int>();
        if (view.Main is not null) index[view.Main.Goid] = 0;
        for (var i = 0; i < view.Created.Count; i++) index[view.Created[i].G.Goid] = i + 1;
        var starts = new List<int>();
        var preempted = new HashSet<int>();
        foreach (var e in view.Trace.Events)
        {
            if (!view.InWorkload(e.Index) || !index.ContainsKey(e.G)) continue;
            if (e.Kind == GoEventType.GoStart) starts.Add(index[e.G]);
            // One P: the slice a GoPreempt ends is the one started last.
            else if (e.Kind == GoEventType.GoPreempt && starts.Count > 0) preempted.Add(starts.Count - 1);
        }
        return new GoObservation([.. view.Created.Select(c => c.Body)], starts) { PreemptedSlices = preempted };
    }

    private static bool SameEnd(ModelEnd goEnd, string goText, Dictionary<long, BlockedAt> goBlocked, ModelPrediction model) =>
        goEnd == model.End && goEnd switch
        {
            ModelEnd.Deadlock => SameBlocked(goBlocked, model.Blocked),
            ModelEnd.Panic => goText == model.Panic,
            _ => true,
        };

    /// <summary>
    /// Several Ps: (1) every status change the Go trace shows for a workload goroutine is an edge of the model's table
    /// (Model/Transitions.cs); (2) each goroutine's sequence of statuses is one its body can produce in the model with
    /// sysmon on (per op: yield = runnable, running; acquire = nothing, or waiting, runnable, running; syscall =
    /// syscall then running (fast path) or runnable, running (slow path); exit or the body's end = dead); (3) the
    /// outcome kind (completed or deadlock) equals the model's one-P prediction (who ends blocked may depend on the
    /// schedule). A goroutine Go preempted makes the run Perturbed (the per-op status sequences do not include a
    /// preemption at a call). It does not establish that the interleaving of the goroutines is one the model allows: queue
    /// orders, which M ran what and the wake-up order across goroutines are not compared.
    /// </summary>
    public static VsGoVerdict CompareMultiP(Workload w, GoProgram program, GoRun run)
    {
        var model = ModelContract.PredictOneP(w);
        if (Unusable(run) is { } bad) return bad with { Procs = run.Procs };
        var view = new GoWorkloadView(run.Trace!, run.Workload);
        if (view.Marker < 0) return new VsGoVerdict(VsGoVerdictKind.Error, "the trace has no 'checker start' marker") { Procs = run.Procs };
        // On several Ps the creation order depends on the schedule: goroutines are named by Go's goid and checked against
        // their own body (from the start function); only the number of goroutines per body must equal the model's.
        var toModel = new Dictionary<ulong, long>();
        if (view.Main is not null) toModel[view.Main.Goid] = (long)view.Main.Goid;
        foreach (var (g, _) in view.Created) toModel[g.Goid] = (long)g.Goid;
        var goPerBody = view.Created.GroupBy(c => c.Body).ToDictionary(x => x.Key, x => x.Count());
        var modelPerBody = model.Created.Skip(1).GroupBy(c => c.Body).ToDictionary(x => x.Key, x => x.Count());
        if (goPerBody.Count != modelPerBody.Count || goPerBody.Any(kv => modelPerBody.GetValueOrDefault(kv.Key) != kv.Value))
            return new VsGoVerdict(VsGoVerdictKind.Disagree,
                $"goroutines per body differ: Go {string.Join(", ", goPerBody.OrderBy(x => x.Key).Select(x => $"{w.Bodies[x.Key].Name} x{x.Value}"))}; " +
                $"the model {string.Join(", ", modelPerBody.OrderBy(x => x.Key).Select(x => $"{w.Bodies[x.Key].Name} x{x.Value}"))}") { Procs = run.Procs };
        // The model has no preemption: a goroutine Go preempted (sysmon's 10 ms slice, a stop-the-world) is not judged.
        var preempt = view.Trace.Events.FirstOrDefault(e => e.Index > view.Marker && e.Kind == GoEventType.GoPreempt && view.Members.Contains(e.G));
        if (preempt is not null)
            return new VsGoVerdict(VsGoVerdictKind.Perturbed, $"g{preempt.G} was preempted (event {preempt.Index}): not modelled") { Procs = run.Procs };
        var (goOutcome, goEnd, goBlocked, outcomeError) = GoOutcome(w, program, run, view, toModel);
        var common = new VsGoVerdict(VsGoVerdictKind.Agree, "")
        {
            Procs = run.Procs, GoOutcome = goOutcome, ModelOutcome = Describe(model), GoEvents = view.Trace.Events.Count,
        };
        if (outcomeError is not null) return common with { Kind = VsGoVerdictKind.Error, Message = outcomeError };

        var all = new List<(GoGoroutine G, int Body)>();
        if (view.Main is not null) all.Add((view.Main, w.BodyIndex(Workload.MainBody)));
        all.AddRange(view.Created);
        var checkedSteps = 0;
        foreach (var (g, body) in all)
        {
            var steps = g.History.Where(s => s.EventIndex > view.Marker || (s.EventIndex < 0 && g.Kind != GoGoroutineKind.Main)).ToList();
            if (g.Kind == GoGoroutineKind.Main)
            {
                // Implicit steps of main after the marker (a syscall's fast return) carry index -1: keep those after the first kept step.
                var firstAfter = g.History.FindIndex(s => s.EventIndex > view.Marker);
                steps = firstAfter < 0 ? [] : g.History.Skip(firstAfter).ToList();
            }
            // After a panic, what the trace shows is the harness stopping it.
            if (view.PanicMarker >= 0) steps = steps.Where(s => s.EventIndex < view.PanicMarker).ToList();
            foreach (var s in steps)
            {
                checkedSteps++;
                if (!ModelContract.IsLegal(s.From, s.To, out var edge))
                    return common with { Kind = VsGoVerdictKind.Disagree, Message = $"g{toModel[g.Goid]} ({w.Bodies[body].Name}) takes {edge} ({s}), which is no edge of the model" };
            }
            if (BodyMatcher.Match(w, body, steps, g.Kind == GoGoroutineKind.Main, truncated: goEnd == ModelEnd.Panic) is { } why)
            {
                return common with { Kind = VsGoVerdictKind.Disagree, Message = $"g{toModel[g.Goid]} ({w.Bodies[body].Name}): {why}" };
            }
        }
        // Who ends blocked depends on the schedule (two goroutines may each take one count on two Ps); only the kind
        // of end is compared with the one-P prediction. A select with a default, or one that may see two ready cases,
        // makes even the kind depend on the schedule (on several Ps the partner may or may not be there yet): then
        // the end is not compared.
        if (ScheduleDecidesTheEnd(w))
            return common with { Message = $"{checkedSteps} status changes of {all.Count} goroutines are model edges and body sequences; outcome {goOutcome} (not compared: a select decides it)" };
        if (goEnd != model.End)
            return common with { Kind = VsGoVerdictKind.Disagree, Message = $"the runs end differently: Go {goOutcome}; the model (one P) {common.ModelOutcome}" };
        return common with { Message = $"{checkedSteps} status changes of {all.Count} goroutines are model edges and body sequences; outcome {goOutcome}" };
    }

    /// <summary>Whether the workload has a select with a default or with two or more channel cases.</summary>
    public static bool ScheduleDecidesTheEnd(Workload w)
    {
        static bool In(Block b) => b.Any(op => op is SelectOp s && (s.DefaultIndex >= 0 || s.ChannelCases >= 2) || (op.Nested is { } inner && In(inner)));
        return w.Bodies.Any(b => In(b.Ops));
    }

    private static VsGoVerdict? Unusable(GoRun run)
    {
        if (run.Process.TimedOut) return new VsGoVerdict(VsGoVerdictKind.Error, "the Go program did not end within 60 s");
        if (run.Process.ExitCode == 3) return new VsGoVerdict(VsGoVerdictKind.Error, "the harness could not set the schedtick phase: " + run.Process.StdErr.Trim());
        if (run.Trace is null) return new VsGoVerdict(VsGoVerdictKind.Error, $"no usable trace ({run.TraceError}); exit {run.Process.ExitCode}: {Tail(run.Process.StdErr)}");
        return null;
    }

    private static string? MapGoroutines(Workload w, GoWorkloadView view, ModelPrediction model, out Dictionary<ulong, long> toModel)
    {
        toModel = [];
        if (view.Main is null) return "the Go trace has no main goroutine";
        toModel[view.Main.Goid] = model.Created[0].Goid;
        if (view.Created.Count != model.Created.Count - 1)
            return $"Go created {view.Created.Count} workload goroutines, the model {model.Created.Count - 1}";
        for (var i = 0; i < view.Created.Count; i++)
        {
            var (g, body) = view.Created[i];
            var (goid, mbody) = model.Created[i + 1];
            if (body != mbody)
                return $"the {i + 1}th goroutine created runs {w.Bodies[body].Name} in Go, {w.Bodies[mbody].Name} in the model";
            toModel[g.Goid] = goid;
        }
        return null;
    }

    private static (string Text, ModelEnd End, Dictionary<long, BlockedAt> Blocked, string? Error) GoOutcome(
        Workload w, GoProgram program, GoRun run, GoWorkloadView view, Dictionary<ulong, long> toModel)
    {
        var blocked = new Dictionary<long, BlockedAt>();
        switch (run.HarnessOutcome)
        {
            case "completed" when run.Process.ExitCode == 0:
                return ("completed", ModelEnd.Completed, blocked, null);
            case "panic" when run.Process.ExitCode == 2 && run.Panic is { } panic:
                if (!toModel.TryGetValue(panic.Goid, out var pg))
                    return ("", ModelEnd.Panic, blocked, $"goroutine {panic.Goid}, not one of the workload's, panicked: {panic.Message}");
                return (Model.Contract.ChanContract.PanicText(panic.Message, pg), ModelEnd.Panic, blocked, null);
            case "blocked" when run.GoReportedDeadlock:
                var reasons = new List<string>();
                foreach (var d in run.Dump)
                {
                    if (!toModel.TryGetValue(d.Goid, out var mg)) continue;
                    if (BlockedOf(w, program, run.Workload, d) is not { } at)
                        return ("", ModelEnd.Deadlock, blocked, $"g{mg} is blocked with wait reason [{d.WaitReason}], which vs-go does not know");
                    blocked[mg] = at;
                    reasons.Add($"g{mg} {at}");
                }
                return ("fatal error: all goroutines are asleep - deadlock! " + string.Join(", ", reasons), ModelEnd.Deadlock, blocked, null);
            default:
                return ("", ModelEnd.Fatal, blocked, $"the Go program ended with exit {run.Process.ExitCode} and no verdict: {Tail(run.Process.StdErr)}");
        }
    }

    /// <summary>
    /// What a goroutine of Go's deadlock dump waits on: its wait reason, and the semaphore or channels of the op at
    /// the workload line it waits at. A select waits on its non-nil channel cases; a one-case select that Go's
    /// compiler made a plain send or receive (walkSelectCases) on its case's channel, nil or not. Null for a wait
    /// reason the workload language cannot reach.
    /// </summary>
    internal static BlockedAt? BlockedOf(Workload w, GoProgram program, int k, GoBlockedGoroutine d)
    {
        if (ModelContract.ReasonOf(d.WaitReason) is not { } reason) return null;
        if (reason == Model.Contract.WaitReason.Semacquire)
            return BlockedAt.Semaphore(program.AcquireLines[k].TryGetValue(d.Line, out var si) ? w.Semaphores()[si] : $"? (line {d.Line})");
        var op = k < program.ChanLines.Count && program.ChanLines[k].TryGetValue(d.Line, out var o) ? o : null;
        if (op is null) return new BlockedAt(reason, $"? (line {d.Line})");
        IEnumerable<int> chans = op switch
        {
            SendOp s => [w.ChannelIndex(s.Chan)],
            RecvOp r => [w.ChannelIndex(r.Chan)],
            SelectOp sel when reason == Model.Contract.WaitReason.Select =>
                sel.CaseOps.Where(c => c.Chan is not null && !w.Channels[w.ChannelIndex(c.Chan)].IsNil).Select(c => w.ChannelIndex(c.Chan!)),
            SelectOp sel => sel.CaseOps.Where(c => c.Chan is not null).Select(c => w.ChannelIndex(c.Chan!)),
            _ => [],
        };
        return BlockedAt.Channels(reason, w, chans);
    }

    private static string Describe(ModelPrediction model) => model.End switch
    {
        ModelEnd.Completed => "completed",
        ModelEnd.Deadlock => "fatal error: all goroutines are asleep - deadlock! " +
                             string.Join(", ", model.Blocked.OrderBy(b => b.Key).Select(b => $"g{b.Key} {b.Value}")),
        ModelEnd.Panic => model.Panic ?? model.Message,
        _ => model.Message,
    };

    private static bool SameBlocked(Dictionary<long, BlockedAt> go, IReadOnlyDictionary<long, BlockedAt> model) =>
        go.Count == model.Count && go.All(kv => model.TryGetValue(kv.Key, out var s) && s == kv.Value);


    private static string BodyOf(Workload w, ModelPrediction model, long goid)
    {
        foreach (var (g, b) in model.Created) if (g == goid) return w.Bodies[b].Name;
        return "?";
    }

    private static string Tail(string s)
    {
        var t = s.Trim();
        return t.Length <= 300 ? t : "..." + t[^300..];
    }
}
