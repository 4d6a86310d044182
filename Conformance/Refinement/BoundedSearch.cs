namespace Conformance.Refinement;

/// <summary>
/// Depth-first search over the checker's choices, within <see cref="SearchBounds"/>. Where the rules offer more
/// than one step, the checker takes the first and the search remembers the rest with the position they start from
/// (<see cref="Remember"/>); when the check later fails, the search goes back to the most recent choice with an
/// untried alternative (<see cref="TryBacktrack"/>). So a trace that some sequence of choices within the bounds
/// explains is never rejected because the first guess was wrong.
/// </summary>
internal sealed class BoundedSearch(SearchBounds bounds)
{
    private readonly List<Choice> _choices = [];
    private int _pending;

    /// <summary>Backtracks so far.</summary>
    public int Backtracks { get; private set; }

    /// <summary>Alternatives dropped untried because of the bounds.</summary>
    public int Forgotten { get; private set; }

    /// <summary>Remembers <paramref name="alternatives"/> after the first (which the caller takes now) as a choice made
    /// at <paramref name="at"/>.</summary>
    public void Remember(CheckPosition at, List<Candidate> alternatives)
    {
        if (alternatives.Count < 2) return;
        if (bounds.MaxPending <= 0)
        {
            Forgotten += alternatives.Count - 1;
            return;
        }
        var rest = alternatives.GetRange(1, Math.Min(alternatives.Count - 1, bounds.MaxPending));
        Forgotten += alternatives.Count - 1 - rest.Count;
        _choices.Add(new Choice(at.Save(), rest));
        _pending += rest.Count;
        ForgetOld(at.Steps.Count);
    }

    /// <summary>Goes back to the most recent choice with an untried alternative: restores <paramref name="at"/> to
    /// where that choice was made and returns the alternative to take. False when there is none left (or the bounds
    /// are used up).</summary>
    public bool TryBacktrack(CheckPosition at, out Candidate alternative)
    {
        alternative = null!;
        ForgetOld(at.Steps.Count);
        if (_choices.Count == 0 || Backtracks >= bounds.MaxBacktracks) return false;
        var top = _choices[^1];
        alternative = top.Rest[top.Next++];
        _pending--;
        at.Restore(top.Mark);
        if (top.Next == top.Rest.Count) _choices.RemoveAt(_choices.Count - 1);
        Backtracks++;
        return true;
    }

    private void ForgetOld(int steps)
    {
        var drop = 0;
        var pending = _pending;
        while (drop < _choices.Count && (pending > bounds.MaxPending || _choices[drop].Mark.Steps < steps - bounds.Horizon))
        {
            pending -= _choices[drop].Untried;
            drop++;
        }
        if (drop == 0) return;
        Forgotten += _pending - pending;
        _pending = pending;
        _choices.RemoveRange(0, drop);
    }

    private sealed class Choice(CheckPosition.Mark mark, List<Candidate> rest)
    {
        public CheckPosition.Mark Mark { get; } = mark;
        public List<Candidate> Rest { get; } = rest;
        public int Next { get; set; }
        public int Untried => Rest.Count - Next;
    }
}
