using Model;

namespace Conformance.Refinement;

/// <summary>
/// One way to explain what the runtime did next: an enabled model action placed on a runtime M (where its events
/// would have to be), with the step's result and how its events compared with that M's next events.
/// </summary>
internal sealed class Candidate
{
    /// <summary>No runtime M is left that could play the action's model M.</summary>
    public const int NoSlot = -1;

    public Candidate(SchedAction action, int slot, int position)
    {
        Action = action;
        Slot = slot;
        Position = position;
    }

    public SchedAction Action { get; }

    /// <summary>The runtime M (cursor slot) whose events the step would explain, or <see cref="NoSlot"/>.</summary>
    public int Slot { get; }

    /// <summary>The trace index of that M's next unconsumed event (where the step would start), or
    /// <see cref="int.MaxValue"/>.</summary>
    public int Position { get; }

    /// <summary>The model's state after the step (set by the rules before any comparison).</summary>
    public SchedState Next { get; set; } = null!;

    /// <summary>The step's events.</summary>
    public IReadOnlyList<SchedEvent> Events { get; set; } = [];

    /// <summary>How the events compared with the M's next events.</summary>
    public StepMatch Match { get; set; }

    /// <summary>The model M whose step this is, or -1 for sysmon's (a retake or a preemption request).</summary>
    public int ModelM => Action.IsSysmon ? -1 : Action.Id;

    public bool Silent => Events.Count == 0;

    public override string ToString() => $"{Action} on slot {Slot} from event {Position}{(Match.Fits ? $", fits, takes effect at {Match.At}" : "")}";
}
