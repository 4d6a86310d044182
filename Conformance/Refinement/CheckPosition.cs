using Model;

namespace Conformance.Refinement;

/// <summary>
/// Where the check stands: the model's state, how much of the trace its steps explain (<see cref="TraceCursor"/>),
/// which runtime M plays which model M (<see cref="MBinding"/>), the steps taken, and the counts the rules bound
/// (silent steps in a row, teardown steps). <see cref="Save"/> and <see cref="Restore"/> let the search go back to
/// a choice it made.
/// </summary>
internal sealed class CheckPosition(SchedState initial, TraceCursor cursor)
{
    private readonly List<SchedAction> _steps = [];

    public SchedState State { get; private set; } = initial;
    public TraceCursor Cursor { get; } = cursor;
    public MBinding Binding { get; } = new(cursor.Ms);
    public IReadOnlyList<SchedAction> Steps => _steps;

    /// <summary>Silent steps taken since the last step with events.</summary>
    public int SilentRun { get; private set; }

    /// <summary>Teardown steps taken after the trace's end.</summary>
    public int Teardown { get; private set; }

    /// <summary>Takes <paramref name="c"/>'s step. A step that fits consumes its runtime events and, for an M's step,
    /// binds its model M to the runtime M; a silent step or a teardown step consumes nothing.</summary>
    public void Take(Candidate c)
    {
        if (c.Match.Fits)
        {
            SilentRun = 0;
            if (c.ModelM >= 0) Binding.Bind(c.ModelM, c.Slot);
            Cursor.Consume(c.Slot, c.Events.Count);
        }
        else if (c.Silent) SilentRun++;
        else Teardown++;
        _steps.Add(c.Action);
        State = c.Next;
    }

    /// <summary>A copy of everything <see cref="Take"/> changes but the model's state (which the caller keeps in the
    /// form it likes).</summary>
    public Mark Save() => new(Cursor.Save(), Binding.Save(), _steps.Count, SilentRun, Teardown);

    /// <summary>Goes back to <paramref name="m"/>, where the model's state was <paramref name="state"/>.</summary>
    public void Restore(Mark m, SchedState state)
    {
        State = state;
        Cursor.Restore(m.Positions);
        Binding.Restore(m.Bindings);
        _steps.RemoveRange(m.Steps, _steps.Count - m.Steps);
        SilentRun = m.SilentRun;
        Teardown = m.Teardown;
    }

    /// <summary>The goroutines whose end (GoEnd) the steps so far have explained.</summary>
    public IEnumerable<long> Finished()
    {
        var trace = Cursor.Trace;
        for (var i = 0; i < trace.Count; i++)
            if (trace[i].Kind == EventKind.GoEnd && Cursor.IsConsumed(i)) yield return trace[i].G;
    }

    /// <summary>What <see cref="Save"/> keeps.</summary>
    internal sealed record Mark(int[] Positions, int Bindings, int Steps, int SilentRun, int Teardown);
}
