using Model.Workload;

namespace Conformance.GoSide;

/// <summary>
/// Whether a goroutine's status steps, as a Go trace shows them, are a sequence its body can produce in the model
/// (sysmon on). The body is walked in execution order (repeats unrolled, calls entered, stopping at exit); each op
/// consumes the steps it can cause: yield → runnable, running; acquire → nothing, or (waiting, runnable, running) as
/// often as it is woken and finds the count taken;
/// syscall → syscall, then running (fast path) or runnable, running (slow path); the end → dead. go, release, work
/// and call cause no status change of the goroutine itself.
/// </summary>
internal static class BodyMatcher
{
    /// <summary>Null when the steps match, else what differs. <paramref name="running"/>: the goroutine is already
    /// running when the steps begin (main after the start marker); otherwise the first steps are its creation and start.</summary>
    public static string? Match(Workload w, int body, IReadOnlyList<GoStatusStep> steps, bool running, bool truncated = false)
    {
        var i = 0;
        if (!running)
        {
            if (!Take(GoStatus.Runnable) || !Take(GoStatus.Running)) return Where("created and started");
        }
        var ended = false;
        string? failure = null;
        Walk(w.Bodies[body].Ops);
        if (failure is not null) return failure;
        if (!ended && !Take(GoStatus.Dead)) return i < steps.Count ? Where("the end of the body (dead)") : null; // a goroutine still blocked at the end has no more steps
        if (i < steps.Count) return $"after its body ended, Go shows {steps[i]}";
        return null;

        void Walk(Block block)
        {
            foreach (var op in block)
            {
                if (failure is not null || ended) return;
                switch (op)
                {
                    case YieldOp:
                        if (!(Take(GoStatus.Runnable) && Take(GoStatus.Running))) { failure = Fail("yield (runnable, running)"); return; }
                        break;
                    case AcquireOp a:
                        // semacquire1's loop: woken with no ticket, the g may find the count taken and park again.
                        while (Peek() == GoStatus.Waiting)
                        {
                            i++;
                            if (i == steps.Count) { ended = true; return; } // blocked for good: the deadlock
                            if (!(Take(GoStatus.Runnable) && Take(GoStatus.Running))) { failure = Fail($"acquire {a.Sema} (waiting, runnable, running)"); return; }
                        }
                        break;
                    case SyscallOp:
                        if (!Take(GoStatus.Syscall)) { failure = Fail("syscall"); return; }
                        if (Peek() == GoStatus.Running) i++;
                        else if (!(Take(GoStatus.Runnable) && Take(GoStatus.Running)))
                        {
                            if (i == steps.Count) { ended = true; return; }
                            failure = Fail("the syscall's return (running, or runnable and running)");
                            return;
                        }
                        break;
                    case ExitOp:
                        if (!Take(GoStatus.Dead)) { failure = Fail("exit (dead)"); return; }
                        ended = true;
                        return;
                    case SendOp or RecvOp:
                        // chansend/chanrecv park at most once: woken, the op is done (or, closed under a sender, panics).
                        if (!Park(WorkloadPrinter.Head(op))) return;
                        break;
                    case SelectOp sel:
                    {
                        // A default never parks; else selectgo's pass 2 parks once, and the woken case's block runs.
                        // Which case ran the trace does not say: the case blocks must all agree on what they cause.
                        if (sel.DefaultIndex < 0 && !Park("select")) return;
                        var at = i;
                        string? caseFailure = null;
                        var end = -1;
                        foreach (var c in sel.CaseOps)
                        {
                            i = at;
                            failure = null;
                            Walk(c.Body);
                            if (failure is null && !ended) { end = i; break; }
                            caseFailure ??= failure;
                            if (ended) return;
                        }
                        if (end < 0) { failure = caseFailure; return; }
                        i = end;
                        break;
                    }
                    case CallOp c: Walk(c.Body); break;
                    case RepeatOp r:
                        for (var n = 0; n < r.Count && failure is null && !ended; n++) Walk(r.Body);
                        break;
                }
            }
        }

        // Nothing, or parked once and then runnable and running again; parked for good when the steps end there.
        bool Park(string what)
        {
            if (Peek() != GoStatus.Waiting) return true;
            i++;
            if (i == steps.Count) { ended = true; return false; }
            if (Take(GoStatus.Runnable) && Take(GoStatus.Running)) return true;
            failure = Fail($"{what} (waiting, runnable, running)");
            return false;
        }

        GoStatus? Peek() => i < steps.Count ? steps[i].To : null;
        bool Take(GoStatus s)
        {
            if (i < steps.Count && steps[i].To == s) { i++; return true; }
            return false;
        }
        string? Fail(string expected)
        {
            // A run that ended in a panic stops the goroutines' histories wherever they were.
            if (truncated && i >= steps.Count) { ended = true; return null; }
            return i < steps.Count ? $"at {expected} Go shows {steps[i]}" : $"at {expected} Go shows nothing more (the trace ends)";
        }
        string? Where(string expected) => Fail(expected);
    }
}
