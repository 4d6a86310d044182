namespace Model;

internal static partial class Stepper
{
    /// <summary>Mirrors runtime.casgstatus (proc.go), plus the edge check Go leaves to its callers: the edge must be
    /// in <see cref="Transitions"/>. Throws "casgstatus: bad incoming values".</summary>
    internal static void CasGStatus(in StepContext cx, G g, GStatus from, GStatus to, int edge)
    {
        if (((uint)from & (uint)GStatus.Scan) != 0 || ((uint)to & (uint)GStatus.Scan) != 0 || from == to || g.Status != from
            || !Transitions.IsLegal(from, to))
            throw new ModelThrowException(Throw.BadCasgstatus);
        g.Status = to;
        cx.Emit(EventKind.Status, g.Goid, (long)from, (long)to, edge);
    }
}
