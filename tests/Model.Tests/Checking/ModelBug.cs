namespace Model.Tests.Checking;

/// <summary>A deliberately broken variant of the model (<see cref="BuggyModel"/>), to show that the checker finds and
/// pins the bug. Each is a perturbation of the correct model's successor state, so the specification has no bug branch.</summary>
public enum ModelBug : byte
{
    /// <summary>ready takes the forbidden edge _Gwaiting → _Grunning (instead of E6): casgstatus throws.</summary>
    WrongEdge,
    /// <summary>runqput(next=true) forgets the evicted runnext g instead of moving it to the tail.</summary>
    LostRunnext,
    /// <summary>ready puts the g both into runnext and onto the global queue.</summary>
    DoubleEnqueue,
    /// <summary>An M whose local queue is empty neither looks at the global queue nor steals nor stops: it spins on, so
    /// a g in the global queue never runs (a liveness violation, found as a cycle).</summary>
    Livelock,
}
