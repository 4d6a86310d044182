using System.Runtime.InteropServices;

namespace Implementation.Trace;

/// <summary>The header of one M's trace buffer (<see cref="TraceRegion.SlotHeaderBytes"/> bytes): how many events
/// are written (published after each event), which M writes it, and how many did not fit.</summary>
[StructLayout(LayoutKind.Explicit, Size = TraceRegion.SlotHeaderBytes)]
internal struct TraceSlotHeader
{
    [FieldOffset(0)] public int Count;
    [FieldOffset(4)] public short M;
    [FieldOffset(8)] public long Dropped;
}
