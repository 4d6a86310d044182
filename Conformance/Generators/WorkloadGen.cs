using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Model.Workload;

namespace Conformance.Generators;

/// <summary>
/// FsCheck generators of well-formed workloads, one per <see cref="WorkloadShape"/>, plus <see cref="Any"/> that mixes
/// them. Every workload they make terminates or deadlocks: the spawn graph is acyclic (a body only starts bodies
/// declared after it), loops are bounded, nested frames stay far below a goroutine stack, and the total number of
/// goroutines is at most <see cref="MaxGoroutines"/>.
/// </summary>
public static class WorkloadGen
{
    /// <summary>Upper bound on the goroutines one generated workload creates (main included).</summary>
    public const int MaxGoroutines = 420;

    /// <summary>Upper bound on the bytes of nested <c>call</c> frames along any path.</summary>
    public const int MaxNestedFrameBytes = 3 * 1024;

    /// <summary>Every shape, each with its own generator.</summary>
    public static readonly ImmutableArray<WorkloadShape> Shapes = [.. Enum.GetValues<WorkloadShape>()];

    /// <summary>A generator of one shape. Sharing an op object between places is harmless: the Workload numbers its
    /// own copy of every op (<see cref="Op.Point"/>).</summary>
    public static Gen<Workload> Of(WorkloadShape shape) => OfShared(shape);

    private static Gen<Workload> OfShared(WorkloadShape shape) => shape switch
    {
        WorkloadShape.SpawnTree => SpawnTree,
        WorkloadShape.SpawnChain => SpawnChain,
        WorkloadShape.RunnextChain => RunnextChain,
        WorkloadShape.RingOverflow => RingOverflow,
        WorkloadShape.SemaphoreHandoff => SemaphoreHandoff,
        WorkloadShape.YieldStorm => YieldStorm,
        WorkloadShape.SyscallLosesP => SyscallLosesP,
        WorkloadShape.NestedExit => NestedExit,
        WorkloadShape.Deadlock => Deadlock,
        WorkloadShape.Mixed => Mixed,
        WorkloadShape.SleepersAndSpinners => SleepersAndSpinners,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown workload shape"),
    };

    /// <summary>A shape chosen at random (ring overflows less often: they are the slowest), with its workload.</summary>
    public static Gen<(WorkloadShape Shape, Workload Workload)> Tagged =>
        Gen.Frequency(Shapes.Select(s => (s == WorkloadShape.RingOverflow ? 1 : s == WorkloadShape.Mixed ? 4 : 2,
            Of(s).Select(w => (s, w)))));

    /// <summary>Workloads of every shape.</summary>
    public static Gen<Workload> Any => Tagged.Select(t => t.Workload);

    /// <summary>Workloads of every shape, shrunk by <see cref="WorkloadShrinker"/>.</summary>
    public static Arbitrary<Workload> Arbitrary => Arb.From(Any, WorkloadShrinker.Shrink);

    /// <summary>
    /// <paramref name="count"/> values of <paramref name="gen"/> at FsCheck size <paramref name="size"/>, from
    /// <paramref name="seed"/>: the same arguments give the same values.
    /// </summary>
    public static T[] Sample<T>(Gen<T> gen, int size, ulong seed, int count) =>
        // FsCheck.Fluent's Sample takes the number of samples first and the size last.
        Gen.Sample(gen, count, new Rnd(seed, 0x9E3779B97F4A7C15UL), size);

    // ---- building blocks -------------------------------------------------------------------------------------------

    private static Block Blk(params Op[] ops) => new(ops);
    private static Block Blk(IEnumerable<Op> ops) => new(ops);
    private static Body Bdy(string name, IEnumerable<Op> ops) => new(name, new Block(ops));

    private static Gen<int> Upto(int lo, int hi) => Gen.Sized(size => Gen.Choose(lo, Math.Max(lo, Math.Min(hi, lo + size))));

    /// <summary>Ops with no scheduler effect but time: a short computation, or a yield.</summary>
    private static Gen<Op> Filler => Gen.Frequency(
        (3, Gen.Constant<Op>(new YieldOp())),
        (2, Gen.Choose(0, 400).Select(n => (Op)new WorkOp(n))),
        (1, Gen.Choose(0, 30).Select(n => (Op)new SyscallOp(n))));

    private static Gen<List<Op>> Fillers(int lo, int hi) =>
        Gen.Choose(lo, hi).SelectMany(n => Gen.ListOf(Filler, n)).Select(l => l.ToList());

    private static Gen<int> FrameBytes => Gen.Elements(0, 8, 64, 200, 256, 512, 1000);

    // ---- the shapes --------------------------------------------------------------------------------------------------

    /// <summary>main starts f1 copies of n1, each n1 starts f2 copies of n2, and so on, with filler between.</summary>
    public static Gen<Workload> SpawnTree =>
        from depth in Gen.Choose(1, 3)
        from fanouts in Gen.ListOf(Gen.Choose(1, 4), depth)
        from fillers in Gen.ListOf(Fillers(0, 3), depth + 1)
        select BuildTree(fanouts.ToList(), fillers.ToList());

    private static Workload BuildTree(List<int> fanouts, List<List<Op>> fillers)
    {
        var bodies = new List<Body>();
        for (var level = 0; level <= fanouts.Count; level++)
        {
            var name = level == 0 ? Workload.MainBody : $"n{level}";
            var ops = new List<Op>();
            var filler = fillers[level];
            var half = filler.Count / 2;
            ops.AddRange(filler.Take(half));
            if (level < fanouts.Count)
                for (var i = 0; i < fanouts[level]; i++) ops.Add(new GoOp($"n{level + 1}"));
            ops.AddRange(filler.Skip(half));
            bodies.Add(Bdy(name, ops));
        }
        return new Workload(bodies);
    }

    /// <summary>main → c1 → c2 → … each starting the next, then doing its own work (or exiting at once).</summary>
    public static Gen<Workload> SpawnChain =>
        from length in Upto(2, 10)
        from befores in Gen.ListOf(Fillers(0, 2), length + 1)
        from afters in Gen.ListOf(Fillers(0, 2), length + 1)
        select BuildChain(length, befores.ToList(), afters.ToList());

    private static Workload BuildChain(int length, List<List<Op>> befores, List<List<Op>> afters)
    {
        var bodies = new List<Body>();
        for (var i = 0; i <= length; i++)
        {
            var ops = new List<Op>(befores[i]);
            if (i < length) ops.Add(new GoOp($"c{i + 1}"));
            ops.AddRange(afters[i]);
            bodies.Add(Bdy(i == 0 ? Workload.MainBody : $"c{i}", ops));
        }
        return new Workload(bodies);
    }

    /// <summary>
    /// k waiters park on one semaphore; main then releases it k times in a row (each ready puts the waiter in runnext
    /// and pushes the previous one to the ring) and also starts goroutines back to back, which evict runnext the same way.
    /// </summary>
    public static Gen<Workload> RunnextChain =>
        from waiters in Upto(1, 8)
        from spawns in Upto(0, 8)
        from yieldFirst in Gen.Elements(true, false)
        from tail in Fillers(0, 2)
        select BuildRunnextChain(waiters, spawns, yieldFirst, tail);

    private static Workload BuildRunnextChain(int waiters, int spawns, bool yieldFirst, List<Op> tail)
    {
        var main = new List<Op>();
        for (var i = 0; i < waiters; i++) main.Add(new GoOp("waiter"));
        // Let every waiter run and park before the releases, so the releases really ready someone.
        if (yieldFirst) main.Add(new YieldOp());
        for (var i = 0; i < waiters; i++) main.Add(new ReleaseOp("wake"));
        for (var i = 0; i < spawns; i++) main.Add(new GoOp("leaf"));
        main.AddRange(tail);
        return new Workload([
            Bdy(Workload.MainBody, main),
            Bdy("waiter", [new AcquireOp("wake"), new YieldOp()]),
            Bdy("leaf", [new WorkOp(10)]),
        ]);
    }

    /// <summary>More than 256 goroutines started in a row by one goroutine, so the local ring overflows.</summary>
    public static Gen<Workload> RingOverflow =>
        from count in Gen.Choose(257, 400)
        from childYields in Gen.Choose(0, 2)
        from split in Gen.Elements(true, false)
        select split
            ? new Workload([
                Bdy(Workload.MainBody, [new RepeatOp(count - 100, Blk(new GoOp("child"))), new GoOp("spawner")]),
                Bdy("spawner", [new RepeatOp(100, Blk(new GoOp("child")))]),
                Bdy("child", Enumerable.Repeat<Op>(new YieldOp(), childYields)),
            ])
            : new Workload([
                Bdy(Workload.MainBody, [new RepeatOp(count, Blk(new GoOp("child")))]),
                Bdy("child", Enumerable.Repeat<Op>(new YieldOp(), childYields)),
            ]);

    /// <summary>Ping-pong between two goroutines, a token ring of k goroutines, or k workers and a "done" count.</summary>
    public static Gen<Workload> SemaphoreHandoff => Gen.OneOf(PingPong, TokenRing, DoneCount);

    private static Gen<Workload> PingPong =>
        from rounds in Upto(1, 40)
        from work in Gen.Choose(0, 50)
        select new Workload([
            Bdy(Workload.MainBody, [new GoOp("pong"), new RepeatOp(rounds, Blk(new ReleaseOp("ping"), new AcquireOp("pong")))]),
            Bdy("pong", [new RepeatOp(rounds, Blk(new AcquireOp("ping"), new WorkOp(work), new ReleaseOp("pong")))]),
        ]);

    private static Gen<Workload> TokenRing =>
        from k in Gen.Choose(2, 5)
        from rounds in Upto(1, 12)
        select BuildTokenRing(k, rounds);

    private static Workload BuildTokenRing(int k, int rounds)
    {
        var bodies = new List<Body>();
        var main = new List<Op>();
        for (var i = 0; i < k; i++) main.Add(new GoOp($"r{i}"));
        main.Add(new ReleaseOp("s0"));
        bodies.Add(Bdy(Workload.MainBody, main));
        for (var i = 0; i < k; i++)
            bodies.Add(Bdy($"r{i}", [new RepeatOp(rounds, Blk(new AcquireOp($"s{i}"), new ReleaseOp($"s{(i + 1) % k}")))]));
        return new Workload(bodies);
    }

    private static Gen<Workload> DoneCount =>
        from k in Upto(1, 12)
        from work in Fillers(0, 3)
        select new Workload([
            Bdy(Workload.MainBody, [.. Enumerable.Repeat<Op>(new GoOp("worker"), k), .. Enumerable.Repeat<Op>(new AcquireOp("done"), k)]),
            Bdy("worker", [.. work, new ReleaseOp("done")]),
        ]);

    /// <summary>k goroutines that each yield n times, with main yielding too.</summary>
    public static Gen<Workload> YieldStorm =>
        from k in Upto(2, 24)
        from n in Upto(1, 30)
        from mainYields in Gen.Choose(0, 40)
        select new Workload([
            Bdy(Workload.MainBody, [new RepeatOp(k, Blk(new GoOp("yielder"))), new RepeatOp(mainYields, Blk(new YieldOp()))]),
            Bdy("yielder", [new RepeatOp(n, Blk(new YieldOp()))]),
        ]);

    /// <summary>Goroutines in blocking system calls, some long enough for the P to be handed off.</summary>
    public static Gen<Workload> SyscallLosesP =>
        from k in Upto(1, 8)
        from micros in Gen.Choose(0, 300)
        from times in Gen.Choose(1, 4)
        from other in Fillers(0, 3)
        select new Workload([
            Bdy(Workload.MainBody, [new RepeatOp(k, Blk(new GoOp("caller"))), new GoOp("spinner"), new SyscallOp(micros)]),
            Bdy("caller", [new RepeatOp(times, Blk(new SyscallOp(micros), new YieldOp()))]),
            Bdy("spinner", [.. other, new WorkOp(200), new YieldOp()]),
        ]);

    /// <summary>k sleepers (each sleeps a few times, deadlines that collide or not, a yield between) and s spinners
    /// (yields and work), all signalling main, which may sleep too.</summary>
    public static Gen<Workload> SleepersAndSpinners =>
        from k in Upto(1, 6)
        from s in Gen.Choose(0, 4)
        from naps in Gen.ListOf(Gen.Elements(0, 1, 5, 10, 10, 25, 100), 3)
        from times in Gen.Choose(1, 3)
        from spin in Upto(1, 8)
        from mainNap in Gen.Elements(0, 0, 7, 30)
        select new Workload([
            Bdy(Workload.MainBody, [new RepeatOp(k, Blk(new GoOp("sleeper"))), .. Enumerable.Repeat<Op>(new GoOp("spinner"), s),
                new SleepOp(mainNap), new RepeatOp(k + s, Blk(new AcquireOp("done")))]),
            Bdy("sleeper", [new RepeatOp(times, Blk(new SleepOp(naps[0]), new YieldOp(), new SleepOp(naps[1]))), new SleepOp(naps[2]), new ReleaseOp("done")]),
            Bdy("spinner", [new RepeatOp(spin, Blk(new YieldOp(), new WorkOp(50))), new ReleaseOp("done")]),
        ]);

    /// <summary>Frames nested up to three deep, a yield inside, and a Goexit from the deepest one (or not).</summary>
    public static Gen<Workload> NestedExit =>
        from depth in Gen.Choose(1, 3)
        from frames in Gen.ListOf(FrameBytes, depth)
        from exits in Gen.Elements(true, true, false)
        from copies in Gen.Choose(1, 3)
        from after in Fillers(0, 2)
        select BuildNested(frames.ToList(), exits, copies, after);

    private static Workload BuildNested(List<int> frames, bool exits, int copies, List<Op> after)
    {
        Block inner = exits ? Blk(new YieldOp(), new ExitOp()) : Blk(new YieldOp());
        for (var i = frames.Count - 1; i >= 0; i--)
            inner = Blk(new CallOp(frames[i], inner), new YieldOp());
        var deep = new List<Op>(inner.Ops);
        deep.AddRange(after);
        return new Workload([
            Bdy(Workload.MainBody, [.. Enumerable.Repeat<Op>(new GoOp("deep"), copies), new CallOp(64, Blk(new YieldOp())), new YieldOp()]),
            Bdy("deep", deep),
        ]);
    }

    /// <summary>Waiters on a semaphore no one releases (or too few releases), or a cycle of two.</summary>
    public static Gen<Workload> Deadlock => Gen.OneOf(
        from waiters in Gen.Choose(1, 5)
        from releases in Gen.Choose(0, 2)
        from mainWaits in Gen.Elements(true, false)
        select new Workload([
            Bdy(Workload.MainBody, [
                new RepeatOp(waiters, Blk(new GoOp("waiter"))),
                .. Enumerable.Repeat<Op>(new ReleaseOp("never"), Math.Min(releases, waiters - 1)),
                .. (mainWaits ? [new AcquireOp("block")] : Array.Empty<Op>()),
            ]),
            Bdy("waiter", [new YieldOp(), new AcquireOp("never")]),
        ]),
        from work in Gen.Choose(0, 100)
        select new Workload([
            Bdy(Workload.MainBody, [new GoOp("a"), new GoOp("b")]),
            Bdy("a", [new AcquireOp("x"), new WorkOp(work), new ReleaseOp("y")]),
            Bdy("b", [new AcquireOp("y"), new ReleaseOp("x")]),
        ]));

    // ---- mixed -------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Up to five bodies of random ops. Body i only starts bodies j &gt; i, at most three times, and never inside a
    /// <c>repeat</c>, so at most 1 + 3 + 9 + 27 + 81 goroutines exist. Releases are twice as likely as acquires.
    /// </summary>
    public static Gen<Workload> Mixed =>
        from bodyCount in Gen.Choose(1, 5)
        from semaCount in Gen.Choose(0, 2)
        from blocks in Gen.CollectToList(Enumerable.Range(0, bodyCount), i => MixedBody(i, bodyCount, semaCount))
        select new Workload(blocks.Select((ops, i) => Bdy(i == 0 ? Workload.MainBody : $"b{i}", ops)));

    private static Gen<List<Op>> MixedBody(int index, int bodyCount, int semaCount) =>
        from ops in MixedBlock(semaCount, depth: 2, frameBudget: MaxNestedFrameBytes)
        from targets in index + 1 < bodyCount
            ? Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Gen.Choose(index + 1, bodyCount - 1), n)).Select(l => l.ToList())
            : Gen.Constant(new List<int>())
        from positions in Gen.ListOf(Gen.Choose(0, 1000), targets.Count)
        select Splice(ops, targets.ToList(), positions.ToList());

    private static List<Op> Splice(List<Op> ops, List<int> targets, List<int> positions)
    {
        var result = new List<Op>(ops);
        for (var i = 0; i < targets.Count; i++)
            result.Insert(positions[i] % (result.Count + 1), new GoOp($"b{targets[i]}"));
        return result;
    }

    private static Gen<List<Op>> MixedBlock(int semaCount, int depth, int frameBudget) =>
        Gen.Choose(0, 5).SelectMany(n => Gen.ListOf(MixedOp(semaCount, depth, frameBudget), n)).Select(l => l.ToList());

    private static Gen<Op> MixedOp(int semaCount, int depth, int frameBudget)
    {
        var choices = new List<(int, Gen<Op>)>
        {
            (4, Gen.Constant<Op>(new YieldOp())),
            (2, Gen.Choose(0, 300).Select(n => (Op)new WorkOp(n))),
            (1, Gen.Choose(0, 100).Select(n => (Op)new SyscallOp(n))),
            (1, Gen.Choose(0, 40).Select(n => (Op)new SleepOp(n))),
        };
        if (semaCount > 0)
        {
            choices.Add((1, Gen.Choose(0, semaCount - 1).Select(s => (Op)new AcquireOp($"s{s}"))));
            choices.Add((2, Gen.Choose(0, semaCount - 1).Select(s => (Op)new ReleaseOp($"s{s}"))));
        }
        if (depth < 2) choices.Add((1, Gen.Constant<Op>(new ExitOp())));
        if (depth > 0)
        {
            var frames = FrameBytes.Where(b => b <= frameBudget);
            choices.Add((1,
                from bytes in frames
                from body in MixedBlock(semaCount, depth - 1, frameBudget - bytes)
                select (Op)new CallOp(bytes, Blk(body))));
            choices.Add((1,
                from count in Gen.Choose(0, 4)
                from body in MixedBlock(semaCount, depth - 1, frameBudget)
                select (Op)new RepeatOp(count, Blk(body))));
        }
        return Gen.Frequency(choices);
    }

    // ---- bounds ------------------------------------------------------------------------------------------------------

    /// <summary>
    /// How many goroutines the workload can create at most (main included), or <see cref="int.MaxValue"/> if a body
    /// can start itself, directly or not (then it may never end).
    /// </summary>
    public static int MaxSpawned(Workload workload)
    {
        var memo = new Dictionary<string, long>(StringComparer.Ordinal);
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        long Count(string body)
        {
            if (memo.TryGetValue(body, out var known)) return known;
            if (!onPath.Add(body)) return long.MaxValue;
            var total = 1 + Spawns(workload[body].Ops);
            onPath.Remove(body);
            return memo[body] = Math.Min(total, long.MaxValue / 2);
        }
        long Spawns(Block block)
        {
            long n = 0;
            foreach (var op in block)
            {
                n += op switch
                {
                    GoOp g => Count(g.Body),
                    CallOp c => Spawns(c.Body),
                    RepeatOp r => Math.Min((long)r.Count * Spawns(r.Body), long.MaxValue / 4),
                    _ => 0,
                };
                if (n >= long.MaxValue / 4) return long.MaxValue / 4;
            }
            return n;
        }
        var result = Count(Workload.MainBody);
        return result >= int.MaxValue ? int.MaxValue : (int)result;
    }

    /// <summary>The largest total of nested <c>call</c> frame bytes along any path of any body.</summary>
    public static int MaxFrameDepthBytes(Workload workload)
    {
        static int Deepest(Block block) => block.Count == 0 ? 0 : block.Max(op => op switch
        {
            CallOp c => c.FrameBytes + Deepest(c.Body),
            RepeatOp r => Deepest(r.Body),
            _ => 0,
        });
        return workload.Bodies.Max(b => Deepest(b.Ops));
    }
}
