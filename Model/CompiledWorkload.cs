using Model.Workload;

namespace Model;

/// <summary>
/// The static facts the model's steps need about each body, by program point (pre-order ordinal, as
/// <see cref="ProgramPoints"/> numbers them): where each op's subtree ends, its enclosing block, its repeat nesting
/// depth, its call depth, the exact rsp and rbp of its native frame (from <see cref="FrameAbi"/>, the layout the
/// workload compiler emits), and whether its subtree touches the scheduler.
/// </summary>
internal sealed class CompiledWorkload
{

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
            // A body is entered at sp = hi − TopBytes (newproc1); its prologue pushes rbp (0) and subtracts its frame.
            var ops = workload.Bodies[b].Ops;
            code.EntryFrame = FrameAbi.FrameSize(0, ops);
            Lay(workload, b, ops, -1, 0, 0, FrameAbi.BodyBp + code.EntryFrame, FrameAbi.BodyBp, code, ref next);
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

    private bool Lay(Workload.Workload w, int body, Block block, int parent, int repDepth, int callDepth, int sp, int bp, BodyCode code, ref int next)
    {
        var anySched = false;
        foreach (var op in block)
        {
            var n = next++;
            code.Ops[n] = op;
            code.Parent[n] = parent;
            code.RepDepth[n] = repDepth;
            code.CallDepth[n] = callDepth;
            code.SpOffset[n] = sp;
            code.BpOffset[n] = bp;
            bool sched;
            switch (op)
            {
                case CallOp c:
                {
                    // CALL pushes the return address, the callee's prologue pushes rbp (rbp = that slot) and subtracts F.
                    var frame = FrameAbi.FrameSize(c.FrameBytes, c.Body);
                    code.CalleeFrame[n] = frame;
                    var calleeBp = sp + FrameAbi.CallOverheadBytes;
                    sched = Lay(w, body, c.Body, n, repDepth, callDepth + 1, calleeBp + frame, calleeBp, code, ref next);
                    break;
                }
                case RepeatOp r:
                    code.MaxRepeatDepth = Math.Max(code.MaxRepeatDepth, repDepth + 1);
                    sched = Lay(w, body, r.Body, n, repDepth + 1, callDepth, sp, bp, code, ref next);
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
            SpOffset = new int[n]; BpOffset = new int[n]; CalleeFrame = new int[n];
            Sched = new bool[n]; Target = new int[n]; Sema = new int[n];
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
        /// <summary>The function's rsp while the op runs, in bytes below the g's stack.hi: an mcall from this op (yield,
        /// park, exit, exitsyscall's slow path) saves exactly this sp. systemstack saves it + 16, morestack of a call
        /// here + 8 (<see cref="FrameAbi"/>).</summary>
        public readonly int[] SpOffset;
        /// <summary>The function's rbp while the op runs, in bytes below stack.hi: what mcall and systemstack save as bp.</summary>
        public readonly int[] BpOffset;
        /// <summary>call: the callee's frame F (<see cref="FrameAbi.FrameSize"/>), which its prologue checks.</summary>
        public readonly int[] CalleeFrame;
        /// <summary>The body's own frame F, which its prologue checks on entry at sp = hi − TopBytes.</summary>
        public int EntryFrame;
        /// <summary>Whether the op's subtree contains an op that touches the scheduler.</summary>
        public readonly bool[] Sched;
        /// <summary>go: the target body index.</summary>
        public readonly int[] Target;
        /// <summary>acquire/release: the semaphore index.</summary>
        public readonly int[] Sema;
        public int MaxRepeatDepth;
    }
}
