namespace Model;

/// <summary>
/// The scheduler's functions, run on one state at a time. Each function mirrors the Go function it names (proc.go,
/// Go 1.19) and sits in the partial file named after the runtime's twin (<c>Implementation/Sched.*.cs</c>):
/// <c>Stepper.RunQueue.cs</c> ↔ <c>Sched.RunQueue.cs</c>, and so on; it states where the model simplifies.
/// Every function takes the step's <see cref="StepContext"/> first; the class holds no state of its own.
/// <list type="bullet">
/// <item><c>Stepper.Interpreter.cs</c>: the workload's user code, up to its next op that enters the runtime.</item>
/// <item><c>Stepper.Stack.cs</c>: the prologue's stack check, morestack, newstack.</item>
/// <item><c>Stepper.Gobuf.cs</c>: the switch stubs' gobuf writes (mcall, systemstack, gogo).</item>
/// <item><c>Stepper.Status.cs</c>: casgstatus. <c>Stepper.NewProc.cs</c>: newproc, newproc1.</item>
/// <item><c>Stepper.RunQueue.cs</c>, <c>Stepper.GlobalQueue.cs</c>, <c>Stepper.GFree.cs</c>: the queues and free lists.</item>
/// <item><c>Stepper.Park.cs</c>: semaphores, park_m, ready. <c>Stepper.Syscall.cs</c>: entersyscall, exitsyscall.</item>
/// <item><c>Stepper.Schedule.cs</c>: schedule, findRunnable, execute, gosched_m, goexit0.</item>
/// <item><c>Stepper.Procs.cs</c>: Ps and Ms (acquirep, pidle, wakep, startm, stopm, handoffp, checkdead).</item>
/// <item><c>Stepper.Sysmon.cs</c>: retake, preemptone.</item>
/// <item><c>Stepper.Chan.cs</c>: chansend, chanrecv, closechan, waitq.dequeue, send, recv (chan.go).
/// <c>Stepper.Select.cs</c>: selectgo and the selects Go's compiler rewrites (select.go).</item>
/// </list>
/// </summary>
internal static partial class Stepper
{
    /// <summary>Performs <paramref name="a"/> on <paramref name="s"/> in place, appending events if a sink is given.
    /// A Go throw or panic inside the step ends the run: Outcome Fatal with the throw's message (and the panicking
    /// goid). A Run action's <see cref="SchedAction.Victim"/> is the poll-order code of the select it reaches, if any.</summary>
    public static void Apply(SchedConfig cfg, CompiledWorkload code, SchedState s, SchedAction a, List<SchedEvent>? events)
    {
        var cx = new StepContext(cfg, code, s, events, a.IsSysmon ? -1 : a.Id);
        try
        {
            switch (a.Kind)
            {
                case SchedActionKind.Run: Run(cx, s.Ms[a.Id], a.Victim); break;
                case SchedActionKind.Schedule: Schedule(cx, s.Ms[a.Id], -1); break;
                case SchedActionKind.Steal: Schedule(cx, s.Ms[a.Id], a.Victim); break;
                case SchedActionKind.ExitSyscall: ExitSyscall(cx, s.Ms[a.Id]); break;
                case SchedActionKind.Retake: Retake(cx, s.Ps[a.Id]); break;
                case SchedActionKind.Preempt: PreemptOne(cx, s.Ps[a.Id]); break;
            }
        }
        catch (ModelThrowException e)
        {
            s.Outcome = Outcome.Fatal;
            s.Fatal = e.What;
            s.PanicGoid = e.Goid;
        }
    }
}
