using Conformance.Refinement;
using Implementation.Trace;
using Model;
using Model.Workload;
using Outcome = Conformance.Refinement.Outcome;

namespace Conformance.Tests.Refinement;

/// <summary>Traces made from the model's own steps, in the runtime's format with abstract values.</summary>
internal static class ModelTraces
{
    /// <summary>One P: the model's whole predicted trace.</summary>
    public static TraceEvent[] OneP(Workload w, SchedConfig? config = null) =>
        [.. new RefinementChecker(w, config ?? new SchedConfig { Procs = 1 }).Predict()];

    /// <summary>Several Ps: a random walk of the model (seeded), each step's events in a block, Ms numbered as in the model.</summary>
    public static (TraceEvent[] Trace, SchedState Final) RandomWalk(Workload w, SchedConfig config, int seed, int maxSteps = 100_000)
    {
        var model = new SchedModel(w, config);
        var rng = new Random(seed);
        var s = model.Initial();
        var trace = new List<TraceEvent>();
        ulong seq = 0;
        for (var i = 0; i < maxSteps; i++)
        {
            var actions = model.Actions(s);
            if (actions.Count == 0) break;
            var (next, events) = model.Step(s, actions[rng.Next(actions.Count)]);
            foreach (var e in events) trace.Add(EventMatcher.ToTrace(e, ++seq, e.M));
            s = next;
        }
        return ([.. trace], s);
    }

    /// <summary>The outcome the trace itself shows, in the model's terms, for runs that completed.</summary>
    public static Outcome CompletedOutcome(IEnumerable<TraceEvent> trace) =>
        Outcome.Completed(trace.Where(e => e.Kind == EventKind.GoEnd).Select(e => e.G));
}
