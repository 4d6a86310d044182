namespace Conformance.GoSide;

/// <summary>
/// Projects a merged Go trace on goroutine statuses. GoCreate makes a goroutine runnable; GoStart running; GoSched and
/// GoPreempt runnable; GoBlock* (Send, Recv, Select, Sync, Cond, Net, GC), GoSleep and GoStop waiting; GoUnblock
/// runnable; GoSysCall syscall; GoSysExit (a syscall whose P was taken, the slow path) runnable; GoEnd dead;
/// GoWaiting and GoInSyscall give the status of goroutines that existed when tracing started. The tracer records no
/// event when a syscall returns on the fast path (exitsyscallfast keeps or reacquires a P): when a goroutine in a
/// syscall next acts as the running goroutine, the projection inserts syscall → running there (Detail "exitsyscall
/// fast path, implicit"). GoSysBlock only says the P was lost; the status stays syscall.
/// </summary>
public static class GoStatusProjection
{
    /// <summary>Fills each goroutine's <see cref="GoGoroutine.History"/> and <see cref="GoGoroutine.Starts"/>.</summary>
    public static void Project(IReadOnlyList<GoEvent> events, IReadOnlyDictionary<ulong, GoGoroutine> gs)
    {
        var index = -1;
        foreach (var e in events)
        {
            index = e.Index;
            var k = e.Kind;
            // The running goroutine acts: if the tracer last saw it in a syscall, the syscall returned on the fast path.
            var actor = k is GoEventType.GoSysExit or GoEventType.GoWaiting or GoEventType.GoInSyscall ? 0UL : e.G;
            if (actor != 0 && gs.TryGetValue(actor, out var a) && a.History.Count > 0 && a.Status == GoStatus.Syscall
                && k is not GoEventType.GoSysBlock)
                a.History.Add(new GoStatusStep(-1, GoStatus.Syscall, GoStatus.Running, "exitsyscall fast path, implicit"));

            switch (k)
            {
                case GoEventType.GoCreate:
                    Set(e.Args[0], null, GoStatus.Runnable, "GoCreate", e.G);
                    break;
                case GoEventType.GoWaiting:
                    Set(e.G, GoStatus.Runnable, GoStatus.Waiting, "GoWaiting (blocked when tracing started)");
                    break;
                case GoEventType.GoInSyscall:
                    Set(e.G, GoStatus.Runnable, GoStatus.Syscall, "GoInSyscall (in a syscall when tracing started)");
                    break;
                case GoEventType.GoStart:
                    Set(e.G, Current(e.G), GoStatus.Running, e.Type.ToString());
                    if (gs.TryGetValue(e.G, out var started)) started.Starts.Add(e.Index);
                    break;
                case GoEventType.GoEnd:
                    Set(e.G, Current(e.G), GoStatus.Dead, "GoEnd");
                    break;
                case GoEventType.GoSched or GoEventType.GoPreempt:
                    Set(e.G, Current(e.G), GoStatus.Runnable, k.ToString());
                    break;
                case GoEventType.GoStop or GoEventType.GoSleep or GoEventType.GoBlock or GoEventType.GoBlockSend
                    or GoEventType.GoBlockRecv or GoEventType.GoBlockSelect or GoEventType.GoBlockSync
                    or GoEventType.GoBlockCond or GoEventType.GoBlockNet or GoEventType.GoBlockGC:
                    Set(e.G, Current(e.G), GoStatus.Waiting, k.ToString());
                    break;
                case GoEventType.GoUnblock:
                    Set(e.Args[0], Current(e.Args[0]), GoStatus.Runnable, "GoUnblock", e.G);
                    break;
                case GoEventType.GoSysCall:
                    Set(e.G, Current(e.G), GoStatus.Syscall, "GoSysCall");
                    break;
                case GoEventType.GoSysExit:
                    Set(e.G, Current(e.G), GoStatus.Runnable, "GoSysExit (P lost: exitsyscall0)");
                    break;
            }
        }

        GoStatus? Current(ulong g) => gs.TryGetValue(g, out var x) && x.History.Count > 0 ? x.History[^1].To : null;

        void Set(ulong g, GoStatus? from, GoStatus to, string detail, ulong by = 0)
        {
            if (g == 0 || !gs.TryGetValue(g, out var x)) return;
            x.History.Add(new GoStatusStep(index, from, to, detail, by == g ? 0 : by));
        }
    }
}
