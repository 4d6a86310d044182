using Model.Workload;

namespace Model.Tests;

/// <summary>Hand-built states for the scheduler's functions: gs of a trivial body in chosen statuses.</summary>
internal sealed class TestStates
{
    public TestStates(int procs = 1, string text = "main { yield }\nw { yield }")
    {
        Model = new SchedModel(WorkloadParser.Parse(text), new SchedConfig { Procs = procs });
        State = Model.Blank();
        for (var i = 0; i < procs; i++)
        {
            var m = new M(i) { Phase = MPhase.Schedule, P = i + 1 };
            State.Ms.Add(m);
            State.Ps[i].Status = PStatus.Running;
            State.Ps[i].M = i + 1;
        }
    }

    public SchedModel Model { get; }
    public SchedState State { get; }
    public List<SchedEvent> Events { get; } = [];

    /// <summary>The M whose step the scheduler's functions run in (<see cref="Cx"/>).</summary>
    private int _m;

    /// <summary>The step context for calling <see cref="Stepper"/>'s functions directly: this state, this event list,
    /// M <see cref="As"/> chose (0 at first).</summary>
    public StepContext Cx => Model.Context(State, Events, _m);

    /// <summary>Later calls step as M <paramref name="m"/>.</summary>
    public void As(int m) => _m = m;

    /// <summary>A new g (goid = slot + 1) in <paramref name="status"/>, with a gobuf fit for it.</summary>
    public G NewG(GStatus status = GStatus.Runnable)
    {
        var g = new G(State.AllGs.Count, State.RepeatDepth)
        {
            Status = status,
            Goid = State.AllGs.Count + 1,
            Body = 0,
            StackSize = 2048,
        };
        g.Sched.G = g.Slot + 1;
        g.Sched.Sp = FrameAbi.BodyBp; // an mcall from a body with no repeats: rsp = rbp = hi - 48
        g.Sched.Bp = FrameAbi.BodyBp;
        g.Sched.Pc = AbstractPc.At(0);
        State.AllGs.Add(g);
        return g;
    }

    public List<G> NewGs(int n) => Enumerable.Range(0, n).Select(_ => NewG()).ToList();

    public static List<long> Goids(SchedState s, IEnumerable<int> slots) => slots.Select(i => s.AllGs[i].Goid).ToList();
}
