using Model.Workload;

namespace Model.Tests;

/// <summary>Helpers for the channel and select tests: run a workload on one P, keep the channel events, step to a
/// state of interest.</summary>
internal static class ChanKit
{
    public static SchedModel Make(string text, int procs = 1) =>
        new(WorkloadParser.Parse(text), new SchedConfig { Procs = procs, Sysmon = false });

    /// <summary>Runs to the end on one P; a select's poll order is <paramref name="poll"/> (mod n!).</summary>
    public static (SchedState Final, List<string> Events) Run(SchedModel model, int poll = 0)
    {
        var (final, _, events) = model.RunToCompletion((n, _) => poll % n);
        return (final, events.Select(e => e.ToString()).ToList());
    }

    /// <summary>The channel and select events, the block annotations and the readies (Status lines left out).</summary>
    public static List<string> ChanEvents(IEnumerable<string> events) =>
        events.Where(e => e.StartsWith("Chan") || e.StartsWith("Select") || e.StartsWith("GoBlock") || e.StartsWith("GoStop")
                          || e.StartsWith("GoUnblock")).ToList();

    /// <summary>Steps from the initial state (one action at a time, poll order <paramref name="poll"/>) until
    /// <paramref name="stop"/> holds; returns that state and the events on the way.</summary>
    public static (SchedState State, List<string> Events) StepUntil(SchedModel model, Func<SchedState, bool> stop, int poll = 0)
    {
        var s = model.Initial();
        var events = new List<string>();
        for (var i = 0; i < 10_000 && !stop(s); i++)
        {
            var actions = model.Actions(s);
            Assert.NotEmpty(actions);
            var a = actions.Count == 1 ? actions[0] : actions[poll % actions.Count];
            var (next, evs) = model.Step(s, a);
            events.AddRange(evs.Select(e => e.ToString()));
            s = next;
        }
        Assert.True(stop(s), "the condition was never reached");
        return (s, events);
    }

    public static long V(long goid, long n) => ChanValues.Of(goid, n);

    /// <summary>The names of the Always properties failing in <paramref name="s"/>.</summary>
    public static List<string> Failing(SchedModel model, SchedState s)
    {
        var bits = SchedInvariants.Failing(s, model.Config);
        return SchedInvariants.AlwaysNames.Where((_, i) => (bits & (1UL << i)) != 0).ToList();
    }
}
