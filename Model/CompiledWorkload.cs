using Model.Workload;

namespace Model;

/// <summary>
/// The static facts the model's steps need about each body, by program point (pre-order ordinal, as
/// <see cref="ProgramPoints"/> numbers them): where each op's subtree ends, its enclosing block, its repeat nesting
/// depth, its call depth, the stack bytes in use there, and whether its subtree touches the scheduler.
/// </summary>
internal sealed class CompiledWorkload
{
    /// <summary>newproc1's totalSize (32) plus the fake return address to goexit+1.</summary>
    public const int TopBytes = 40;
    /// <summary>What a <c>call</c> costs besides its frame: return address and saved frame pointer.</summary>
    public const int CallOverheadBytes = 16;

    public CompiledWorkload(Workload.Workload workload)
    {
        Workload = workload;
        Points = new ProgramPoints(workload);
        var semas = workload.Semaphores();
        SemaIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < semas.Count; i++) SemaIndex[semas[i]] = i;
        Bodies = new BodyCode[workload.Bodies.Length];
        for (var b = 0; b < Bodies.Length; b++)
        {
            var code = new BodyCode(Points.Count(b));
            var next = 0;
            Lay(workload, b, workload.Bodies[b].Ops, -1, 0, 0, TopBytes, code, ref next);
            Bodies[b] = code;
            RepeatDepth = Math.Max(RepeatDepth, code.MaxRepeatDepth);
        }
        MainBody = workload.BodyIndex(Model.Workload.Workload.MainBody);
    }

    public Workload.Workload Workload { get; }
    public ProgramPoints Points { get; }
    public Dictionary<string, int> SemaIndex { get; }
    public BodyCode[] Bodies { get; }
    public int RepeatDepth { get; }
    public int MainBody { get; }

    private bool Lay(Workload.Workload w, int body, Block block, int parent, int repDepth, int callDepth, int used, BodyCode code, ref int next)
    {
        var anySched = false;
        foreach (var op in block)
        {
            var n = next++;
            code.Ops[n] = op;
            code.Parent[n] = parent;
            code.RepDepth[n] = repDepth;
            code.CallDepth[n] = callDepth;
            code.Used[n] = used;
            bool sched;
            switch (op)
            {
                case CallOp c:
                    sched = Lay(w, body, c.Body, n, repDepth, callDepth + 1, used + c.FrameBytes + CallOverheadBytes, code, ref next);
                    break;
                case RepeatOp r:
                    code.MaxRepeatDepth = Math.Max(code.MaxRepeatDepth, repDepth + 1);
                    sched = Lay(w, body, r.Body, n, repDepth + 1, callDepth, used, code, ref next);
                    break;
                case WorkOp: sched = false; break;
                case GoOp g: code.Target[n] = w.BodyIndex(g.Body); sched = true; break;
                case AcquireOp a: code.Sema[n] = SemaIndex[a.Sema]; sched = true; break;
                case ReleaseOp r: code.Sema[n] = SemaIndex[r.Sema]; sched = true; break;
                default: sched = true; break;
            }
            code.End[n] = next;
            code.Sched[n] = sched;
            anySched |= sched;
        }
        return anySched;
    }

    /// <summary>Per-body tables, indexed by ordinal.</summary>
    internal sealed class BodyCode
    {
        public BodyCode(int n)
        {
            Ops = new Op[n]; End = new int[n]; Parent = new int[n]; RepDepth = new int[n]; CallDepth = new int[n];
            Used = new int[n]; Sched = new bool[n]; Target = new int[n]; Sema = new int[n];
        }

        public int Count => Ops.Length;
        public readonly Op[] Ops;
        /// <summary>One past the last ordinal of the op's subtree.</summary>
        public readonly int[] End;
        /// <summary>The enclosing call or repeat, -1 at the top.</summary>
        public readonly int[] Parent;
        /// <summary>Number of enclosing repeats: the op's own repeat (if any) counts in slot RepDepth.</summary>
        public readonly int[] RepDepth;
        /// <summary>Number of enclosing calls.</summary>
        public readonly int[] CallDepth;
        /// <summary>Stack bytes in use when the op starts.</summary>
        public readonly int[] Used;
        /// <summary>Whether the op's subtree contains an op that touches the scheduler.</summary>
        public readonly bool[] Sched;
        /// <summary>go: the target body index.</summary>
        public readonly int[] Target;
        /// <summary>acquire/release: the semaphore index.</summary>
        public readonly int[] Sema;
        public int MaxRepeatDepth;
    }
}
