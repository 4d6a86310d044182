namespace Model.Contract;

/// <summary>
/// Go 1.19's scheduler constants (proc.go, runtime2.go), named once. The model's steps and the native runtime's
/// scheduler both read them, so the two cannot drift apart.
/// </summary>
public static class SchedConstants
{
    /// <summary>len(p.runq): the per-P ring of runnable gs.</summary>
    public const int RunQSize = 256;

    /// <summary>len(p.runq)/2: runqputslow moves this many of a full ring (plus the g that did not fit) to the global
    /// queue; globrunqget takes at most this many at once; runqgrab never takes more.</summary>
    public const int RunQHalf = RunQSize / 2;

    /// <summary>findRunnable looks at the global queue first when <c>pp.schedtick % 61 == 0</c>, so that a local queue
    /// that never empties cannot starve it (Go's literal 61).</summary>
    public const int GlobalRunQCheckPeriod = 61;

    /// <summary>gfput: a P's gFree list of this many gs spills to the global lists (Go's literal 64).</summary>
    public const int GFreeSpillAt = 64;

    /// <summary>gfput spills until fewer than this many remain; gfget refills an empty list up to this many (Go's 32).</summary>
    public const int GFreeKeep = 32;

    /// <summary>_GoidCacheBatch: newproc1 takes goids from sched.goidgen in blocks of this many per P.</summary>
    public const int GoidCacheBatch = 16;
}
