namespace Model.Contract;

/// <summary>One legal edge of the g status machine (reference §2.2).</summary>
/// <param name="Number">The edge's number: 1 for E1, and so on. Trace events carry it (<c>Status</c>, C).</param>
/// <param name="From">The status before, or null for E1 ("(new)": malg allocates the g).</param>
/// <param name="To">The status after.</param>
/// <param name="GoFunction">The Go function(s) that take the edge.</param>
/// <param name="Modelled">Whether some step of <see cref="SchedModel"/> takes it.</param>
/// <param name="Note">What the model does around it, or why it is not modelled.</param>
public sealed record Edge(int Number, GStatus? From, GStatus To, string GoFunction, bool Modelled, string Note)
{
    /// <summary>"E4".</summary>
    public string Name => $"E{Number}";

    public override string ToString() =>
        $"{Name}: {(From is { } f ? f.GoName() : "(new)")} -> {To.GoName()} ({GoFunction})";
}
