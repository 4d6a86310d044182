namespace Bench.Peers;

/// <summary>
/// Checker's own figures for the comparison: the native g→g switch (Native) and the scheduler operations (Implementation),
/// each measured the way its peers are. Every figure that needs a part of the runtime that does not exist yet reads
/// <see cref="Measurement.NotBuiltYet"/>.
/// </summary>
public static class OursProbes
{
    /// <summary>Native switch_to between two goroutines, no C#; ns per switch.</summary>
    public static Measurement Switch(bool quick) => Measurement.NotBuiltYet;

    /// <summary>Gosched through the full scheduler on 1 P; ns per Gosched.</summary>
    public static Measurement Gosched(bool quick) => Measurement.NotBuiltYet;

    /// <summary>go + run + exit through the scheduler on 1 P; ns per goroutine.</summary>
    public static Measurement SpawnExit(bool quick) => Measurement.NotBuiltYet;

    /// <summary>release/acquire hand-off between two goroutines on 1 P; ns per hand-off.</summary>
    public static Measurement PingPong(bool quick) => Measurement.NotBuiltYet;

    /// <summary>Resident set growth per goroutine parked in acquire, 100,000 of them. Run in a fresh process.</summary>
    public static Measurement BytesPerParked(int count) => Measurement.NotBuiltYet;

    /// <summary>Whether <see cref="BytesPerParked"/> can measure anything yet (the parent skips spawning a child otherwise).</summary>
    public static bool CanMeasureMemory => false;
}
