namespace Conformance.Refinement;

/// <summary>
/// Which runtime M plays which model M. Neither side's M ids mean anything to the other (the model numbers its Ms in
/// the order startm creates them, the runtime in the order its threads start), so the binding is learned: the first
/// step of a model M that matches events of a runtime M binds the two, for the rest of the run, one to one. Sysmon's
/// retake belongs to no M and binds nothing. Each binding is written on a trail, so the search can undo the ones it
/// learned after a choice (<see cref="Save"/>, <see cref="Restore"/>).
/// </summary>
internal sealed class MBinding
{
    private readonly List<int> _runtimeOf = [];
    private readonly int[] _modelOf;
    private readonly List<int> _trail = [];

    /// <param name="runtimeMs">How many runtime Ms there are (<see cref="TraceCursor.Ms"/>).</param>
    public MBinding(int runtimeMs)
    {
        _modelOf = new int[runtimeMs];
        Array.Fill(_modelOf, -1);
    }

    /// <summary>The runtime M (cursor slot) bound to model M <paramref name="modelM"/>, or -1.</summary>
    public int RuntimeOf(int modelM) => modelM < _runtimeOf.Count ? _runtimeOf[modelM] : -1;

    /// <summary>The model M bound to runtime M <paramref name="slot"/>, or -1.</summary>
    public int ModelOf(int slot) => _modelOf[slot];

    /// <summary>Binds model M <paramref name="modelM"/> to runtime M <paramref name="slot"/>; nothing to do when they are
    /// bound to each other already. Throws when either is bound to another: a step must never be placed so.</summary>
    public void Bind(int modelM, int slot)
    {
        var bound = RuntimeOf(modelM);
        if (bound == slot) return;
        if (bound >= 0 || _modelOf[slot] >= 0)
            throw new InvalidOperationException($"model m{modelM} or runtime slot {slot} is bound already (to slot {bound}, model m{_modelOf[slot]})");
        while (_runtimeOf.Count <= modelM) _runtimeOf.Add(-1);
        _runtimeOf[modelM] = slot;
        _modelOf[slot] = modelM;
        _trail.Add(modelM);
    }

    /// <summary>A mark for <see cref="Restore"/>: how many bindings have been learned.</summary>
    public int Save() => _trail.Count;

    /// <summary>Forgets the bindings learned after <paramref name="mark"/>.</summary>
    public void Restore(int mark)
    {
        for (var i = _trail.Count - 1; i >= mark; i--)
        {
            var m = _trail[i];
            _modelOf[_runtimeOf[m]] = -1;
            _runtimeOf[m] = -1;
        }
        _trail.RemoveRange(mark, _trail.Count - mark);
    }
}
