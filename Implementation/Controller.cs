namespace Implementation;

/// <summary>
/// Controlled mode (ARCHITECTURE.md "Controlled runs"): Ms still run on their own threads and really switch stacks,
/// but one baton decides which M may move. The holder runs C# and goroutine code until its next scheduling point
/// (<see cref="Point"/>: before and after each switch and at each runtime service), where a seeded strategy picks the
/// next holder among the ready Ms. An M that blocks (stopm) gives the baton away; one woken by startm becomes ready.
/// System calls keep the baton (the sleep is real, but nobody else moves meanwhile), so the run depends only on the
/// choices, which are recorded (<see cref="Choices"/>) and can be replayed. Every other nondeterministic choice of
/// the runtime (steal order, syscall fast or slow path) also goes through <see cref="Choose"/>.
/// </summary>
internal sealed class Controller
{
    private readonly object _gate = new();
    private readonly List<MState> _ready = []; // sorted by M id; never contains the holder
    private readonly List<int> _choices = [];
    private readonly List<ControlledChoice> _log = [];
    private readonly IReadOnlyList<int>? _replay;
    private MState? _current;
    private bool _aborted;
    private ulong _rng;

    public Controller(ulong seed, IReadOnlyList<int>? replay)
    {
        _rng = (seed * 0x9E3779B97F4A7C15UL) | 1;
        _replay = replay;
    }

    /// <summary>Every choice made so far (only choices among 2 or more options are recorded).</summary>
    public IReadOnlyList<int> Choices
    {
        get { lock (_gate) return _choices.ToArray(); }
    }

    /// <summary>Every choice made so far, typed.</summary>
    public IReadOnlyList<ControlledChoice> Log
    {
        get { lock (_gate) return _log.ToArray(); }
    }

    /// <summary>A choice in [0, n) made by M <paramref name="m"/>: the replayed value while the replay lasts, then the
    /// seeded strategy's.</summary>
    public int Choose(int n, ChoiceKind kind, int m)
    {
        if (n <= 1) return 0;
        lock (_gate) return ChooseLocked(n, kind, m);
    }

    private ulong Next()
    {
        var x = _rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        _rng = x;
        return x >> 11;
    }

    /// <summary>A new M exists (called by the holder, or before the run starts): it is ready.</summary>
    public void Register(MState mp)
    {
        lock (_gate) AddReady(mp);
    }

    /// <summary>The M's thread starts: wait for the baton.</summary>
    public void Enter(MState mp)
    {
        lock (_gate) WaitTurn(mp);
    }

    /// <summary>A scheduling point of the holder: the strategy picks who moves next (maybe the holder again).</summary>
    public void Point(MState mp)
    {
        lock (_gate)
        {
            if (_aborted || _ready.Count == 0) return;
            var idx = ChooseLocked(_ready.Count + 1, ChoiceKind.NextM, -1);
            var next = idx == _ready.Count ? mp : _ready[idx];
            if (_log.Count > 0 && _log[^1].Kind == ChoiceKind.NextM) _log[^1] = _log[^1] with { M = next.Id };
            if (idx == _ready.Count) return; // the holder goes on
            _ready.RemoveAt(idx);
            _current = next;
            AddReady(mp);
            Monitor.PulseAll(_gate);
            WaitTurn(mp);
        }
    }

    /// <summary>The holder is about to block (stopm): hand the baton to a ready M.</summary>
    public void Block(MState mp)
    {
        lock (_gate) HandOver(mp);
    }

    /// <summary>The holder wakes <paramref name="target"/> (startm): it becomes ready.</summary>
    public void Wake(MState target)
    {
        lock (_gate) AddReady(target);
    }

    /// <summary>A blocked M was woken: wait for the baton.</summary>
    public void Unblock(MState mp)
    {
        lock (_gate) WaitTurn(mp);
    }

    /// <summary>The M leaves its loop for good.</summary>
    public void Leave(MState mp)
    {
        lock (_gate)
        {
            _ready.Remove(mp);
            if (_current == mp) HandOver(mp);
        }
    }

    /// <summary>The run is over: nobody waits for the baton any more.</summary>
    public void Abort()
    {
        lock (_gate)
        {
            _aborted = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void HandOver(MState mp)
    {
        if (_current != mp) return;
        if (_ready.Count == 0)
        {
            _current = null;
            return;
        }
        var idx = ChooseLocked(_ready.Count, ChoiceKind.NextM, -1);
        _current = _ready[idx];
        if (_ready.Count > 1) _log[^1] = _log[^1] with { M = _current.Id };
        _ready.RemoveAt(idx);
        Monitor.PulseAll(_gate);
    }

    private int ChooseLocked(int n, ChoiceKind kind, int m)
    {
        if (n <= 1) return 0;
        int v;
        var i = _choices.Count;
        if (_replay != null && i < _replay.Count) v = (int)((uint)_replay[i] % (uint)n);
        else v = (int)(Next() % (ulong)n);
        _choices.Add(v);
        _log.Add(new ControlledChoice(kind, n, v, m));
        return v;
    }

    private void AddReady(MState mp)
    {
        if (_current == mp || _ready.Contains(mp)) return;
        var i = 0;
        while (i < _ready.Count && _ready[i].Id < mp.Id) i++;
        _ready.Insert(i, mp);
    }

    private void WaitTurn(MState mp)
    {
        while (!_aborted)
        {
            if (_current == mp) return;
            if (_current == null && _ready.Count > 0 && _ready[0] == mp)
            {
                _ready.RemoveAt(0);
                _current = mp;
                return;
            }
            Monitor.Wait(_gate);
        }
    }
}
