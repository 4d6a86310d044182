using Model.Checking;
using Model.Workload;

namespace Model;

/// <summary>
/// The specification: Go 1.19's scheduler (g statuses and edges, abstract gobufs, run queues, gFree lists, goid
/// caches, newproc/execute/gosched/park/ready/goexit/syscalls/stealing) running a workload on
/// <see cref="SchedConfig.Procs"/> Ps, as a nondeterministic state machine.
/// <para><b>How Conformance drives the model.</b> Start from <see cref="Initial"/>. In each state,
/// <see cref="Actions(SchedState)"/> lists every enabled choice: which M steps (<see cref="SchedActionKind.Run"/>,
/// <see cref="SchedActionKind.Schedule"/>, <see cref="SchedActionKind.ExitSyscall"/>), which P a thief steals from
/// (<see cref="SchedActionKind.Steal"/>), and, with sysmon on, which P in a syscall is retaken (which makes the
/// syscall's exit take the slow path). <see cref="Step"/> returns the next state and the <see cref="SchedEvent"/>s
/// of that step, in the runtime's trace alphabet, never changing its input. With one P and sysmon off exactly one
/// action is enabled until the run ends, so <see cref="RunToCompletion(int)"/> predicts the whole native trace event for
/// event. With several Ps, match the runtime's next events against the events of each enabled action (the M and
/// the first events identify it). A step ending in a Go throw sets <see cref="SchedState.Outcome"/> to Fatal with
/// Go's message in <see cref="SchedState.Fatal"/>; <see cref="Invariants"/> names every property checked in every
/// state.</para>
/// <para>Identities: M0 runs P0; goids come from per-P caches refilled in blocks of 16 (main = 1); semaphore i is the
/// i-th in <see cref="Workload.Workload.Semaphores"/>; bodies are <see cref="Workload.Workload.BodyIndex"/>; abstract
/// pcs are program points (<see cref="ProgramPoints"/>).</para>
/// </summary>
public sealed class SchedModel : IModel<SchedState, SchedAction>
{
    private readonly CompiledWorkload _code;

    public SchedModel(Workload.Workload workload, SchedConfig? config = null)
    {
        Config = config ?? new SchedConfig();
        if (Config.Procs < 1) throw new ArgumentOutOfRangeException(nameof(config), "Procs must be at least 1");
        var problems = WorkloadValidator.Problems(workload);
        if (problems.Count > 0) throw new ArgumentException("workload is not well-formed: " + string.Join("; ", problems), nameof(workload));
        Workload = workload;
        _code = new CompiledWorkload(workload);
        Invariants = SchedInvariants.Build(this);
    }

    public Workload.Workload Workload { get; }

    /// <summary>A step context on <paramref name="s"/> with M <paramref name="m"/> stepping, for tests that call the
    /// scheduler's functions (<see cref="Stepper"/>) one by one.</summary>
    internal StepContext Context(SchedState s, List<SchedEvent>? events, int m) => new(Config, _code, s, events, m);

    /// <summary>A blank state with no g and no M (tests build states by hand from it).</summary>
    internal SchedState Blank() => new(Config.Procs, _code);
    public SchedConfig Config { get; }
    /// <summary>Program points of the workload (abstract pcs).</summary>
    public ProgramPoints Points => _code.Points;

    /// <summary>The state before rt0_go: M0 about to acquire P0 (its nextp) and newproc(runtime.main); every P idle,
    /// P1.. on pidle.</summary>
    public SchedState Initial()
    {
        var s = new SchedState(Config.Procs, _code);
        s.Ms.Add(new M(0) { Phase = MPhase.Boot, NextP = 1 });
        // procresize puts the other Ps on pidle from the highest id down, so P1 is on top.
        for (var i = Config.Procs - 1; i >= 1; i--) s.Pidle.Add(i);
        s.Ps[0].SchedTick = Config.InitialSchedTick;
        return s;
    }

    /// <summary>Every enabled action, in a fixed order (by M, then victim or poll-order code; then retakes by P, then
    /// preemption requests by P).
    /// Empty once the run has ended (completed, deadlocked or fatal). An M whose curg will next reach a selectgo with
    /// n ≥ 2 non-nil channel cases offers n! Run actions, one per poll order (<see cref="SchedAction.Victim"/> = the
    /// code, <c>ChanContract.PollOrder</c>).</summary>
    public List<SchedAction> Actions(SchedState state)
    {
        var list = new List<SchedAction>();
        Actions(state, list);
        return list;
    }

    /// <inheritdoc cref="Actions(SchedState)"/>
    public void Actions(SchedState state, List<SchedAction> actions)
    {
        if (state.Outcome != Outcome.Running) return;
        foreach (var m in state.Ms)
        {
            switch (m.Phase)
            {
                case MPhase.Boot:
                    actions.Add(new SchedAction(SchedActionKind.Run, m.Id));
                    break;
                case MPhase.Running:
                {
                    var choices = Stepper.PollChoices(_code, state, m);
                    if (choices == 1) actions.Add(new SchedAction(SchedActionKind.Run, m.Id));
                    else
                        for (var code = 0; code < choices; code++) actions.Add(new SchedAction(SchedActionKind.Run, m.Id, code));
                    break;
                }
                case MPhase.Schedule:
                case MPhase.Start:
                {
                    var p = state.Ps[(m.Phase == MPhase.Start ? m.NextP : m.P) - 1];
                    var before = actions.Count;
                    if (!Stepper.HasLocalWork(state, p) && Stepper.MayTrySteal(state, m))
                    {
                        var anyRing = Stepper.AnyRingBut(state, p);
                        foreach (var v in state.Ps)
                        {
                            if (v == p) continue;
                            // stealWork's last pass: a P's due timers (run first), or its runnext.
                            if (anyRing ? v.Head != v.Tail : v.RunNext != 0 || Stepper.HasDueTimer(state, v))
                                actions.Add(new SchedAction(SchedActionKind.Steal, m.Id, v.Id));
                        }
                    }
                    if (actions.Count == before) actions.Add(new SchedAction(SchedActionKind.Schedule, m.Id));
                    break;
                }
                case MPhase.Syscall:
                    actions.Add(new SchedAction(SchedActionKind.ExitSyscall, m.Id));
                    break;
            }
        }
        if (Config.Sysmon)
        {
            if (Config.SysmonRetakes)
                foreach (var p in state.Ps)
                    if (p.Status == PStatus.Syscall) actions.Add(new SchedAction(SchedActionKind.Retake, p.Id));
            if (_code.HasCalls)
                foreach (var p in state.Ps)
                    if (Stepper.MayPreempt(_code, state, p)) actions.Add(new SchedAction(SchedActionKind.Preempt, p.Id));
        }
    }

    /// <summary>
    /// <paramref name="state"/>, whose run a fatal error or a panic has ended, as if it went on: a copy with the outcome
    /// cleared. A fatal error ends the native runtime's run wherever its other Ms stand, so one of them may have
    /// recorded the first events of a step; Conformance asks this copy's <see cref="Actions(SchedState)"/> and
    /// <see cref="Step"/> which steps those events begin. Not a state of the specification.
    /// </summary>
    public SchedState AsIfRunning(SchedState state)
    {
        var copy = state.Clone();
        copy.Outcome = Outcome.Running;
        copy.Fatal = Throw.None;
        return copy;
    }

    /// <summary>The state after <paramref name="action"/> and the events it produced. <paramref name="state"/> is not changed.</summary>
    public (SchedState Next, IReadOnlyList<SchedEvent> Events) Step(SchedState state, SchedAction action)
    {
        var next = state.Clone();
        var events = new List<SchedEvent>();
        Stepper.Apply(Config, _code, next, action, events);
        return (next, events);
    }

    /// <summary>With one choice in every state (one P, sysmon off): every action and event until the run ends.
    /// Throws if a state offers more than one action, or after <paramref name="maxSteps"/> steps.</summary>
    public (SchedState Final, IReadOnlyList<SchedAction> Actions, IReadOnlyList<SchedEvent> Events) RunToCompletion(int maxSteps = 1_000_000) =>
        RunToCompletion(null, maxSteps);

    /// <summary>
    /// As <see cref="RunToCompletion(int)"/>, except that where the only choice is a select's poll order (the enabled
    /// actions are one M's Run actions, one per code), <paramref name="pollOrder"/> picks it: given the number of
    /// orders n! and the state, it returns the code. Any other state with more than one action throws.
    /// </summary>
    public (SchedState Final, IReadOnlyList<SchedAction> Actions, IReadOnlyList<SchedEvent> Events) RunToCompletion(
        Func<int, SchedState, int>? pollOrder, int maxSteps = 1_000_000)
    {
        var s = Initial();
        var actions = new List<SchedAction>();
        var events = new List<SchedEvent>();
        var enabled = new List<SchedAction>();
        for (var i = 0; i < maxSteps; i++)
        {
            enabled.Clear();
            Actions(s, enabled);
            if (enabled.Count == 0) return (s, actions, events);
            var chosen = enabled[0];
            if (enabled.Count > 1)
            {
                var pollOnly = pollOrder is not null && chosen.Kind == SchedActionKind.Run && chosen.Victim == 0
                    && enabled.TrueForAll(a => a.Kind == SchedActionKind.Run && a.Id == chosen.Id);
                if (!pollOnly) throw new InvalidOperationException($"not deterministic: {string.Join(", ", enabled)} are enabled");
                chosen = enabled[pollOrder!(enabled.Count, s)];
            }
            actions.Add(chosen);
            Stepper.Apply(Config, _code, s, chosen, events);
        }
        throw new InvalidOperationException($"no end after {maxSteps} steps");
    }

    /// <summary>The named properties (reference §7), checked in every state or every terminal state.</summary>
    public IReadOnlyList<Property<SchedState>> Invariants { get; }

    // ---- IModel ----

    IReadOnlyList<SchedState> IModel<SchedState, SchedAction>.InitStates() => [Initial()];

    bool IModel<SchedState, SchedAction>.Next(SchedState state, SchedAction action, SchedState next)
    {
        next.CopyFrom(state);
        Stepper.Apply(Config, _code, next, action, null);
        return true;
    }

    bool IModel<SchedState, SchedAction>.NextFromEncoding(ReadOnlySpan<byte> encoding, SchedState state, SchedAction action, SchedState next)
    {
        // The bytes are hot in the cache, and decoding them costs less than copying every object of the state.
        next.Decode(encoding);
        Stepper.Apply(Config, _code, next, action, null);
        return true;
    }

    bool IModel<SchedState, SchedAction>.TryStepInPlace(SchedState state, SchedAction action)
    {
        Stepper.Apply(Config, _code, state, action, null);
        return true;
    }

    SchedState IModel<SchedState, SchedAction>.NewScratch() => new(Config.Procs, _code);

    int IModel<SchedState, SchedAction>.Encode(SchedState state, ref byte[] buffer) => state.Encode(ref buffer);

    int IModel<SchedState, SchedAction>.EncodeAt(SchedState state, ref byte[] buffer, int offset) => state.Encode(ref buffer, offset);

    int IModel<SchedState, SchedAction>.EncodeCanonical(SchedState state, ref byte[] buffer)
    {
        if (!Config.Symmetry) return -1;
        var w = new ByteWriter(buffer);
        state.EncodeCanonical(ref w);
        buffer = w.Buffer;
        return w.Length;
    }

    void IModel<SchedState, SchedAction>.Decode(ReadOnlySpan<byte> encoding, SchedState into) => into.Decode(encoding);

    IReadOnlyList<Property<SchedState>> IModel<SchedState, SchedAction>.Properties => Invariants;

    ulong IModel<SchedState, SchedAction>.FailingAlways(SchedState state) => SchedInvariants.Failing(state, Config);

    SchedState IModel<SchedState, SchedAction>.Snapshot(SchedState state) => state.Clone();

    IReadOnlyList<string> IModel<SchedState, SchedAction>.Describe(SchedState state) => state.Lines();
}
