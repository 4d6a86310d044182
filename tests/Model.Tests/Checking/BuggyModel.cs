using Model.Checking;

namespace Model.Tests.Checking;

/// <summary>
/// The scheduler model with a seeded bug, as a decorator: the checkers see only <see cref="IModel{TState, TAction}"/>,
/// and every successor is the correct model's, then perturbed the way the bug would have left it. The perturbations
/// read the state before and after the step (which g became runnable from waiting, which runnext was evicted), so
/// they need no hook inside the specification.
/// </summary>
internal sealed class BuggyModel(SchedModel inner, ModelBug bug) : IModel<SchedState, SchedAction>
{
    private readonly IModel<SchedState, SchedAction> _inner = inner;

    public BuggyModel(string workload, SchedConfig config, ModelBug bug)
        : this(new SchedModel(Model.Workload.WorkloadParser.Parse(workload), config), bug) { }

    public IReadOnlyList<SchedState> InitStates() => _inner.InitStates();

    public void Actions(SchedState state, List<SchedAction> actions) => _inner.Actions(state, actions);

    public bool Next(SchedState state, SchedAction action, SchedState next)
    {
        if (bug == ModelBug.Livelock && Spins(state, action))
        {
            next.CopyFrom(state); // found nothing, and spins on
            return true;
        }
        if (!_inner.Next(state, action, next)) return false;
        Perturb(state, next);
        return true;
    }

    /// <summary>Livelock: a Schedule or Steal step of an M already in schedule whose P has nothing local.</summary>
    private static bool Spins(SchedState state, SchedAction action)
    {
        if (action.Kind is not (SchedActionKind.Schedule or SchedActionKind.Steal)) return false;
        var m = state.Ms[action.Id];
        return m.Phase == MPhase.Schedule && state.Ps[m.P - 1].RunQEmpty;
    }

    private void Perturb(SchedState before, SchedState after)
    {
        switch (bug)
        {
            case ModelBug.WrongEdge:
                // ready's casgstatus(_Gwaiting, _Grunning) throws before anything else of the step matters.
                if (Readied(before, after) >= 0)
                {
                    after.Outcome = Outcome.Fatal;
                    after.Fatal = Throw.BadCasgstatus;
                }
                break;
            case ModelBug.DoubleEnqueue:
                if (Readied(before, after) is var slot and >= 0)
                {
                    after.RunQ.Add(slot);
                    after.RunQSize++;
                }
                break;
            case ModelBug.LostRunnext:
                for (var i = 0; i < after.Ps.Count; i++)
                {
                    // runqput(next=true) evicted before's runnext to the ring's tail: forget it instead.
                    var (b, a) = (before.Ps[i], after.Ps[i]);
                    if (b.RunNext != 0 && a.RunNext != 0 && a.RunNext != b.RunNext && a.Tail == unchecked(b.Tail + 1)
                        && a.RunQ[unchecked(a.Tail - 1) % P.RunQSize] == b.RunNext)
                        a.Tail = unchecked(a.Tail - 1);
                }
                break;
        }
    }

    /// <summary>The slot of a g that ready made runnable in this step (waiting before, runnable after), or -1.</summary>
    private static int Readied(SchedState before, SchedState after)
    {
        for (var i = 0; i < before.AllGs.Count; i++)
            if (before.AllGs[i].Status == GStatus.Waiting && after.AllGs[i].Status == GStatus.Runnable) return i;
        return -1;
    }

    public SchedState NewScratch() => _inner.NewScratch();
    public int Encode(SchedState state, ref byte[] buffer) => _inner.Encode(state, ref buffer);
    public int EncodeCanonical(SchedState state, ref byte[] buffer) => _inner.EncodeCanonical(state, ref buffer);
    public int EncodeAt(SchedState state, ref byte[] buffer, int offset) => _inner.EncodeAt(state, ref buffer, offset);
    public void Decode(ReadOnlySpan<byte> encoding, SchedState into) => _inner.Decode(encoding, into);
    public IReadOnlyList<Property<SchedState>> Properties => _inner.Properties;
    public ulong FailingAlways(SchedState state) => _inner.FailingAlways(state);
    public bool WithinBoundary(SchedState state) => _inner.WithinBoundary(state);
    public SchedState Snapshot(SchedState state) => _inner.Snapshot(state);
    public IReadOnlyList<string> Describe(SchedState state) => _inner.Describe(state);
}
