using Conformance.Refinement;
using Implementation.Trace;
using Model;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>
/// Traces of the real model on several Ps whose steps interleave the way the runtime's do, so that the greedy choice
/// between fitting steps can misjudge them. The runtime records a step's events as it goes, so the events of two Ms'
/// steps interleave, and a step takes effect at its linearization point, which for a step whose first queue operation
/// comes late (or that has none) is a guess. Here: M a's step X starts (its first event comes first), M b's whole
/// step Y follows, then the rest of X, where Y's events are the same whether X came first or not, while X's events
/// after Y would differ. The linearization rule prefers Y (its point is earlier than X's), but only X-then-Y explains
/// what X recorded (unless other steps later happen to undo what Y changed).
/// </summary>
internal static class MisjudgedTraces
{
    /// <summary>Such traces along seeded random walks of <paramref name="w"/>, each a whole run (each step's events on
    /// its model M's id, Ms as in the model), with the index of X's first event. Every one refines the model: take X,
    /// then Y, then the walk's steps.</summary>
    public static IEnumerable<(TraceEvent[] Trace, int XStart)> Find(Workload w, SchedConfig config, int seeds = 50, int maxSteps = 10_000)
    {
        var model = new SchedModel(w, config);
        for (var seed = 0; seed < seeds; seed++)
        {
            var rng = new Random(seed);
            var s = model.Initial();
            var prefix = new List<SchedEvent>();
            for (var step = 0; step < maxSteps; step++)
            {
                var actions = model.Actions(s);
                if (actions.Count == 0) break;
                if (TryInterleave(model, s, actions) is { } found)
                {
                    var (x, y, after) = found;
                    var events = new List<TraceEvent>();
                    ulong seq = 0;
                    foreach (var e in prefix) events.Add(EventMatcher.ToTrace(e, ++seq, e.M));
                    var xStart = events.Count;
                    events.Add(EventMatcher.ToTrace(x[0], ++seq, x[0].M));
                    foreach (var e in y) events.Add(EventMatcher.ToTrace(e, ++seq, e.M));
                    foreach (var e in x.Skip(1)) events.Add(EventMatcher.ToTrace(e, ++seq, e.M));
                    // The rest of the run, one step at a time, from the state after X then Y.
                    var rest = after;
                    for (var k = 0; k < maxSteps; k++)
                    {
                        var next = model.Actions(rest);
                        if (next.Count == 0) break;
                        var (n, ev) = model.Step(rest, next[rng.Next(next.Count)]);
                        foreach (var e in ev) events.Add(EventMatcher.ToTrace(e, ++seq, e.M));
                        rest = n;
                    }
                    if (rest.Outcome != Model.Outcome.Running) yield return ([.. events], xStart);
                    break;
                }
                var (next2, stepEvents) = model.Step(s, actions[rng.Next(actions.Count)]);
                prefix.AddRange(stepEvents);
                s = next2;
            }
        }
    }

    /// <summary>Two actions X, Y of different Ms (no retake) such that Y's events are the same before and after X,
    /// X's events after Y differ from X's before it, X has at least two events and no queue operation first, and Y
    /// has events. Returns X's and Y's events and the state after X then Y.</summary>
    private static (IReadOnlyList<SchedEvent> X, IReadOnlyList<SchedEvent> Y, SchedState After)? TryInterleave(SchedModel model, SchedState s, List<SchedAction> actions)
    {
        foreach (var xa in actions)
        foreach (var ya in actions)
        {
            if (xa.Kind == SchedActionKind.Retake || ya.Kind == SchedActionKind.Retake || xa.Id == ya.Id) continue;
            var (sx, x) = model.Step(s, xa);
            if (x.Count < 2 || StepMatcher.IsQueueEvent(x[0].Kind)) continue;
            var (sy, y) = model.Step(s, ya);
            if (y.Count == 0 || y.Any(e => e.M != ya.Id) || x.Any(e => e.M != xa.Id)) continue;
            if (!model.Actions(sx).Contains(ya) || !model.Actions(sy).Contains(xa)) continue;
            var (sxy, yAfterX) = model.Step(sx, ya);
            if (!Same(yAfterX, y)) continue;
            var (_, xAfterY) = model.Step(sy, xa);
            if (Same(xAfterY, x)) continue;
            return (x, y, sxy);
        }
        return null;
    }

    /// <summary>Whether the checker would take the two event lists for the same (<see cref="EventMatcher.Compare"/>).</summary>
    private static bool Same(IReadOnlyList<SchedEvent> a, IReadOnlyList<SchedEvent> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (a[i].M != b[i].M || EventMatcher.Compare(a[i], EventMatcher.ToTrace(b[i], 0, b[i].M), Abstraction.Identity) is not null) return false;
        return true;
    }
}
