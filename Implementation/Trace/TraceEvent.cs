using System.Runtime.InteropServices;

namespace Implementation.Trace;

/// <summary>
/// One recorded event of the shared alphabet (<see cref="EventKind"/>, whose members document each argument): 56 bytes, written into a per-M preallocated buffer. <see cref="Seq"/> is a global sequence
/// number taken at the operation's linearization point, so merging the per-M buffers by Seq gives a total order.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct TraceEvent
{
    public ulong Seq;
    public EventKind Kind;
    /// <summary>The M (thread) id that recorded the event.</summary>
    public short M;
    /// <summary>The P the M held, or -1.</summary>
    public short P;
    /// <summary>The goid the event is about (see the kind), or 0.</summary>
    public long G;
    public long A;
    public long B;
    public long C;
    public long D;

    public override readonly string ToString() => $"#{Seq} {Kind} m{M} p{P} g{G} {A} {B} {C} {D}";
}
