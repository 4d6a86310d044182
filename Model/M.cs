namespace Model;

/// <summary>What an M is doing between steps.</summary>
public enum MPhase : byte
{
    /// <summary>Stopped on sched.midle (stopm); only startm wakes it.</summary>
    Idle = 0,
    /// <summary>M0 before rt0_go's newproc(runtime.main).</summary>
    Boot,
    /// <summary>On its P, running curg's user code.</summary>
    Running,
    /// <summary>On its P on g0, in schedule()/findRunnable with no curg.</summary>
    Schedule,
    /// <summary>Woken by startm with <see cref="M.NextP"/> to acquire, then schedule.</summary>
    Start,
    /// <summary>curg is in a system call; the M holds no P (1.19) and remembers it in <see cref="M.OldP"/>.</summary>
    Syscall,
}

/// <summary>An OS thread of the model (runtime2.go's m, abstracted). Created by newm, never destroyed.</summary>
public sealed class M
{
    internal M(int id) => Id = id;

    /// <summary>The M's number (m.id; M0 = 0).</summary>
    public int Id { get; }
    public MPhase Phase { get; internal set; }
    /// <summary>m.curg: the g's slot + 1, 0 for nil.</summary>
    public int Curg { get; internal set; }
    /// <summary>m.p: the P's index + 1, 0 for nil.</summary>
    public int P { get; internal set; }
    /// <summary>m.nextp, set by startm: the P index + 1.</summary>
    public int NextP { get; internal set; }
    /// <summary>m.oldp, set by reentersyscall: the P index + 1.</summary>
    public int OldP { get; internal set; }
    /// <summary>m.spinning: looking for work without having found it; counted in sched.nmspinning.</summary>
    public bool Spinning { get; internal set; }

    internal void CopyFrom(M o)
    {
        Phase = o.Phase; Curg = o.Curg; P = o.P; NextP = o.NextP; OldP = o.OldP; Spinning = o.Spinning;
    }

    public override string ToString() =>
        $"m{Id} {Phase} curg={Curg - 1} p={P - 1}" + (NextP != 0 ? $" nextp={NextP - 1}" : "") +
        (OldP != 0 ? $" oldp={OldP - 1}" : "") + (Spinning ? " spinning" : "");
}
