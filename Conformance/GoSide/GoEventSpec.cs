namespace Conformance.GoSide;

/// <summary>
/// The shape of one event type in a version-1019 trace: whether its first argument is a timestamp delta, how many
/// arguments follow (the stack id, when the type has one, is the last), and whether a string is appended after them.
/// The counts are facts of the format (runtime/trace.go's event list); nothing else of the tracer is mirrored here.
/// </summary>
public readonly record struct GoEventSpec(GoEventType Type, bool Timestamped, int Args, bool HasStack, bool TrailingString = false)
{
    /// <summary>Total number of argument values in the event, timestamp and stack id included.</summary>
    public int Total => (Timestamped ? 1 : 0) + Args + (HasStack ? 1 : 0);

    private static readonly GoEventSpec[] Table = Build();

    /// <summary>The spec of <paramref name="type"/>, or null for a number the format does not define.</summary>
    public static GoEventSpec? Of(byte type) => type is > 0 and < (byte)(GoEventType.CPUSample + 1) ? Table[type] : null;

    private static GoEventSpec[] Build()
    {
        var t = new GoEventSpec[(int)GoEventType.CPUSample + 1];
        void S(GoEventType type, int args, bool stack = false, bool ts = true, bool str = false) => t[(int)type] = new(type, ts, args, stack, str);
        S(GoEventType.Batch, 2, ts: false);          // P id, base ticks
        S(GoEventType.Frequency, 1, ts: false);      // ticks per second
        S(GoEventType.Stack, 0, ts: false);          // variable: id, frame count, 4 values per frame
        S(GoEventType.Gomaxprocs, 1, stack: true);
        S(GoEventType.ProcStart, 1);                 // thread id
        S(GoEventType.ProcStop, 0);
        S(GoEventType.GCStart, 1, stack: true);      // GC sequence number
        S(GoEventType.GCDone, 0);
        S(GoEventType.GCSTWStart, 1);                // kind
        S(GoEventType.GCSTWDone, 0);
        S(GoEventType.GCSweepStart, 0, stack: true);
        S(GoEventType.GCSweepDone, 2);               // swept, reclaimed
        S(GoEventType.GoCreate, 2, stack: true);     // new goid, stack id of its start function
        S(GoEventType.GoStart, 2);                   // goid, sequence number
        S(GoEventType.GoEnd, 0);
        S(GoEventType.GoStop, 0, stack: true);
        S(GoEventType.GoSched, 0, stack: true);
        S(GoEventType.GoPreempt, 0, stack: true);
        S(GoEventType.GoSleep, 0, stack: true);
        S(GoEventType.GoBlock, 0, stack: true);
        S(GoEventType.GoUnblock, 2, stack: true);    // goid, sequence number
        S(GoEventType.GoBlockSend, 0, stack: true);
        S(GoEventType.GoBlockRecv, 0, stack: true);
        S(GoEventType.GoBlockSelect, 0, stack: true);
        S(GoEventType.GoBlockSync, 0, stack: true);
        S(GoEventType.GoBlockCond, 0, stack: true);
        S(GoEventType.GoBlockNet, 0, stack: true);
        S(GoEventType.GoSysCall, 0, stack: true);
        S(GoEventType.GoSysExit, 3);                 // goid, sequence number, real exit ticks
        S(GoEventType.GoSysBlock, 0);
        S(GoEventType.GoWaiting, 1);                 // goid
        S(GoEventType.GoInSyscall, 1);               // goid
        S(GoEventType.HeapAlloc, 1);
        S(GoEventType.HeapGoal, 1);
        S(GoEventType.TimerGoroutine, 1, ts: false);
        S(GoEventType.FutileWakeup, 0);
        S(GoEventType.String, 0, ts: false);         // variable: id, length, bytes
        S(GoEventType.GoStartLocal, 1);              // goid
        S(GoEventType.GoUnblockLocal, 1, stack: true);
        S(GoEventType.GoSysExitLocal, 2);            // goid, real exit ticks
        S(GoEventType.GoStartLabel, 3);              // goid, sequence number, label string id
        S(GoEventType.GoBlockGC, 0, stack: true);
        S(GoEventType.GCMarkAssistStart, 0, stack: true);
        S(GoEventType.GCMarkAssistDone, 0);
        S(GoEventType.UserTaskCreate, 3, stack: true);
        S(GoEventType.UserTaskEnd, 1, stack: true);
        S(GoEventType.UserRegion, 3, stack: true);
        S(GoEventType.UserLog, 2, stack: true, str: true);
        S(GoEventType.CPUSample, 3, stack: true);
        return t;
    }
}
