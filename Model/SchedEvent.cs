namespace Model;

/// <summary>One event of a model step. <see cref="M"/> is -1 for sysmon; <see cref="P"/> is -1 when the M holds none.</summary>
public readonly record struct SchedEvent(EventKind Kind, int M, int P, long G, long A = 0, long B = 0, long C = 0, long D = 0)
{
    public override string ToString() => Kind switch
    {
        EventKind.Status => $"Status g{G} {((GStatus)A).GoName()}->{((GStatus)B).GoName()} E{C}",
        EventKind.PStatus => $"PStatus p{P} {A}->{B}",
        _ => $"{Kind} g{G} {A} {B} {C} {D}",
    } + $" (m{M} p{P})";
}
