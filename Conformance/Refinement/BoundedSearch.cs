using Model;
using Model.Checking;

namespace Conformance.Refinement;

/// <summary>
/// Depth-first search over the checker's choices, within <see cref="SearchBounds"/>. Where the rules offer more
/// than one step, the checker takes the first and the search remembers the rest with the position they start from
/// (<see cref="Remember"/>); when the check later fails, the search goes back to the most recent choice with an
/// untried alternative (<see cref="TryBacktrack"/>). So a trace that some sequence of choices within the bounds
/// explains is never rejected because the first guess was wrong.
/// <para>A remembered choice keeps the model's state in its compact encoding and each alternative as its action and
/// runtime M only; the alternative's step is taken again (<see cref="StepRules.Redo"/>) if the search comes back
/// to it. Nearly every choice is right, so this keeps what the search holds on to small: states kept alive past a
/// collection of the youngest generation would cost more than the checking itself.</para>
/// </summary>
internal sealed class BoundedSearch(SearchBounds bounds, IModel<SchedState, SchedAction> model)
{
    private readonly List<Choice> _choices = [];
    private byte[] _buffer = new byte[4096];
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
        var keep = Math.Min(alternatives.Count - 1, bounds.MaxPending);
        Forgotten += alternatives.Count - 1 - keep;
        if (keep == 0) return;
        var rest = new Candidate[keep];
        for (var i = 0; i < keep; i++)
        {
            var c = alternatives[i + 1];
            rest[i] = new Candidate(c.Action, c.Slot, c.Position);
        }
        var length = model.Encode(at.State, ref _buffer);
        _choices.Add(new Choice(_buffer.AsSpan(0, length).ToArray(), at.Save(), rest));
        _pending += keep;
        ForgetOld(at.Steps.Count);
    }

    /// <summary>Goes back to the most recent choice with an untried alternative: restores <paramref name="at"/> to
    /// where that choice was made and returns the alternative to take, its step not yet redone. False when there is
    /// none left (or the bounds are used up).</summary>
    public bool TryBacktrack(CheckPosition at, out Candidate alternative)
    {
        alternative = null!;
        ForgetOld(at.Steps.Count);
        if (_choices.Count == 0 || Backtracks >= bounds.MaxBacktracks) return false;
        var top = _choices[^1];
        alternative = top.Rest[top.Next++];
        _pending--;
        var state = model.NewScratch();
        model.Decode(top.State, state);
        at.Restore(top.Mark, state);
        if (top.Next == top.Rest.Length) _choices.RemoveAt(_choices.Count - 1);
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

    private sealed class Choice(byte[] state, CheckPosition.Mark mark, Candidate[] rest)
    {
        public byte[] State { get; } = state;
        public CheckPosition.Mark Mark { get; } = mark;
        public Candidate[] Rest { get; } = rest;
        public int Next { get; set; }
        public int Untried => Rest.Length - Next;
    }
}
