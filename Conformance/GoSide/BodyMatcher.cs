using Model.Workload;

namespace Conformance.GoSide;

/// <summary>
/// Whether a goroutine's status steps, as a Go trace shows them, are a sequence its body can produce in the model
/// (sysmon on). The body is walked in execution order (repeats unrolled, calls entered, stopping at exit); each op
/// consumes the steps it can cause: yield → runnable, running; acquire → nothing, or (waiting, runnable, running) as
/// often as it is woken and finds the count taken; send and recv → nothing, or (waiting, runnable, running) once; a
/// select → the same as a send unless it has a default (which never parks), then one of its case blocks;
/// syscall → syscall, then running (fast path) or runnable, running (slow path); the end → dead. go, release, close,
/// work and call cause no status change of the goroutine itself. Where an op may or may not park, and which case
/// of a select ran (the trace does not say), every possibility is followed: the walk carries the set of step
/// positions the body can have reached.
/// </summary>
internal static class BodyMatcher
{
    /// <summary>Null when the steps match, else what differs. <paramref name="running"/>: the goroutine is already
    /// running when the steps begin (main after the start marker); otherwise the first steps are its creation and start.
    /// <paramref name="truncated"/>: the run ended in a panic, which stops every history wherever it was.</summary>
    public static string? Match(Workload w, int body, IReadOnlyList<GoStatusStep> steps, bool running, bool truncated = false)
    {
        var n = steps.Count;
        var ok = false;          // some path ended legitimately (blocked for good, exited, or cut by the panic)
        var furthest = -1;       // the furthest position a failing path reached, and what it expected there
        var expected = "";

        GoStatus? At(int i) => i < n ? steps[i].To : null;
        void Failed(int i, string what)
        {
            if (truncated && i >= n) { ok = true; return; }
            if (i > furthest) { furthest = i; expected = what; }
        }
        HashSet<int> Cut(HashSet<int> s)
        {
            if (truncated && s.Contains(n)) ok = true;
            return s;
        }

        var start = new HashSet<int>();
        if (running) start.Add(0);
        else if (At(0) == GoStatus.Runnable && At(1) == GoStatus.Running) start.Add(2);
        else Failed(At(0) == GoStatus.Runnable ? 1 : 0, "created and started");

        var end = Walk(w.Bodies[body].Ops, start);
        foreach (var i in end)
        {
            if (i == n || (At(i) == GoStatus.Dead && i + 1 == n)) ok = true; // ended, or still blocked when the trace ends
            else if (At(i) == GoStatus.Dead) Failed(i + 1, "nothing after the end of the body");
            else Failed(i, "the end of the body (dead)");
        }
        if (ok) return null;
        if (furthest < 0) return "no way through the body matches";
        return furthest < n ? $"at {expected} Go shows {steps[furthest]}" : $"at {expected} Go shows nothing more (the trace ends)";

        HashSet<int> Walk(Block block, HashSet<int> from)
        {
            var s = from;
            foreach (var op in block)
            {
                if (s.Count == 0) return s;
                s = Cut(Step(op, s));
            }
            return s;
        }

        // Nothing, or parked and woken (waiting, runnable, running) once; parked for good when the trace ends there.
        HashSet<int> ParkOnce(HashSet<int> s, string what)
        {
            var next = new HashSet<int>();
            foreach (var i in s)
            {
                next.Add(i);
                if (At(i) != GoStatus.Waiting) continue;
                if (i + 1 == n) { ok = true; continue; }
                if (At(i + 1) == GoStatus.Runnable && At(i + 2) == GoStatus.Running) next.Add(i + 3);
                else Failed(i + 1, $"{what} (waiting, runnable, running)");
            }
            return next;
        }

        HashSet<int> Step(Op op, HashSet<int> s)
        {
            var next = new HashSet<int>();
            switch (op)
            {
                case YieldOp:
                    foreach (var i in s)
                        if (At(i) == GoStatus.Runnable && At(i + 1) == GoStatus.Running) next.Add(i + 2);
                        else Failed(At(i) == GoStatus.Runnable ? i + 1 : i, "yield (runnable, running)");
                    return next;
                case AcquireOp a:
                    // semacquire1's loop: woken with no ticket, the g may find the count taken and park again.
                    foreach (var i0 in s)
                    {
                        var i = i0;
                        next.Add(i);
                        while (At(i) == GoStatus.Waiting)
                        {
                            if (i + 1 == n) { ok = true; break; } // blocked for good: the deadlock
                            if (!(At(i + 1) == GoStatus.Runnable && At(i + 2) == GoStatus.Running)) { Failed(i + 1, $"acquire {a.Sema} (waiting, runnable, running)"); break; }
                            i += 3;
                            next.Add(i);
                        }
                    }
                    return next;
                case SendOp or RecvOp:
                    // chansend/chanrecv park at most once: woken, the op is done (or, closed under a sender, panics).
                    return ParkOnce(s, WorkloadPrinter.Head(op));
                case SelectOp sel:
                {
                    // A default never parks; else selectgo's pass 2 parks once. Then one case's block runs.
                    var parked = sel.DefaultIndex >= 0 ? s : ParkOnce(s, "select");
                    if (sel.Cases.Count == 0) return parked;
                    foreach (var c in sel.CaseOps) next.UnionWith(Walk(c.Body, new HashSet<int>(parked)));
                    return next;
                }
                case SyscallOp:
                    foreach (var i in s)
                    {
                        if (At(i) != GoStatus.Syscall) { Failed(i, "syscall"); continue; }
                        if (At(i + 1) == GoStatus.Running) next.Add(i + 2);
                        else if (At(i + 1) == GoStatus.Runnable && At(i + 2) == GoStatus.Running) next.Add(i + 3);
                        else if (i + 1 == n) ok = true;
                        else Failed(i + 1, "the syscall's return (running, or runnable and running)");
                    }
                    return next;
                case ExitOp:
                    foreach (var i in s)
                        if (At(i) == GoStatus.Dead && i + 1 == n) ok = true;
                        else Failed(At(i) == GoStatus.Dead ? i + 1 : i, "exit (dead)");
                    return next;
                case CallOp c:
                    return Walk(c.Body, s);
                case RepeatOp r:
                    for (var k = 0; k < r.Count && s.Count > 0; k++) s = Walk(r.Body, s);
                    return s;
                default:
                    return s;
            }
        }
    }
}
