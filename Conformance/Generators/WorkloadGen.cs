using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Model.Workload;

namespace Conformance.Generators;

/// <summary>
/// FsCheck generators of well-formed workloads, one per <see cref="WorkloadShape"/>, plus <see cref="Any"/> that mixes
/// them. Every workload they make terminates or deadlocks: the spawn graph is acyclic (a body only starts bodies
/// declared after it), loops are bounded, nested frames stay within <see cref="MaxNestedFrameBytes"/> (the stack
/// shapes' within <see cref="MaxStackShapeFrameBytes"/>: they grow stacks on purpose), and the total number of
/// goroutines is at most <see cref="MaxGoroutines"/>. Channel workloads declare exactly the channels their ops name,
/// and only <see cref="WorkloadShape.ChanPanic"/> panics: elsewhere a channel is closed at most once, by its only
/// sender, after its last send.
/// </summary>
public static class WorkloadGen
{
    /// <summary>Upper bound on the goroutines one generated workload creates (main included).</summary>
    public const int MaxGoroutines = 420;

    /// <summary>Upper bound on the bytes of nested <c>call</c> frames along any path (every shape but the stack shapes).</summary>
    public const int MaxNestedFrameBytes = 3 * 1024;

    /// <summary>Upper bound on the bytes of nested <c>call</c> frames along any path of a stack shape
    /// (<see cref="StackShapes"/>): 256 KiB, so that no stack of theirs grows past 512 KiB and a run stays fast.</summary>
    public const int MaxStackShapeFrameBytes = 256 * 1024;

    /// <summary>The scheduler shapes (no channels): the ten the campaign had before channels, and the sleepers.</summary>
    public static readonly ImmutableArray<WorkloadShape> SchedulerShapes =
    [
        WorkloadShape.SpawnTree, WorkloadShape.SpawnChain, WorkloadShape.RunnextChain, WorkloadShape.RingOverflow,
        WorkloadShape.SemaphoreHandoff, WorkloadShape.YieldStorm, WorkloadShape.SyscallLosesP, WorkloadShape.NestedExit,
        WorkloadShape.Deadlock, WorkloadShape.Mixed, WorkloadShape.SleepersAndSpinners,
    ];

    /// <summary>The network poller's shapes (io N: netpoll, injectglist).</summary>
    public static readonly ImmutableArray<WorkloadShape> IoShapes = [WorkloadShape.IoWaiters, WorkloadShape.IoBesideSyscalls];

    /// <summary>The stack shapes (issue 13): workloads that grow goroutine stacks by copying, several times over
    /// (newstack, copystack, gfput and gfget of grown stacks). One of them parks gs on a channel, but they are not
    /// channel shapes.</summary>
    public static readonly ImmutableArray<WorkloadShape> StackShapes =
        [WorkloadShape.DeepRecursion, WorkloadShape.WideFrame, WorkloadShape.GrowBesideParked, WorkloadShape.GrowExitReuse];

    /// <summary>The preemption shapes (issue 13: cooperative preemption through the prologue's check).</summary>
    public static readonly ImmutableArray<WorkloadShape> PreemptionShapes = [WorkloadShape.PreemptCallChain];

    /// <summary>The channel shapes (docs/channels.md): every shape that is not the scheduler's, the poller's, a stack
    /// shape or a preemption shape.</summary>
    public static readonly ImmutableArray<WorkloadShape> ChannelShapes =
        [.. Enum.GetValues<WorkloadShape>().Where(s => !SchedulerShapes.Contains(s) && !IoShapes.Contains(s) && !StackShapes.Contains(s)
            && !PreemptionShapes.Contains(s))];

    /// <summary>Every shape, the scheduler's, the channels', the poller's, then the stack shapes: what <see cref="Tagged"/>
    /// draws from.</summary>
    public static readonly ImmutableArray<WorkloadShape> AllShapes = [.. SchedulerShapes, .. ChannelShapes, .. IoShapes, .. StackShapes, .. PreemptionShapes];

    /// <summary>The shapes the mutation run takes in turn (<see cref="Campaigns.CampaignOptions.ShapesInTurn"/>): every
    /// shape, the scheduler shapes twice (before and after the channel shapes), so that a channel mutant meets channel
    /// workloads early while the scheduler's mutants still meet their shapes about as often as before channels. The
    /// poller's shapes come next, twice, then the stack shapes, twice, and the preemption shape once: the first 43 turns
    /// stay what they were (the first 31 from before the poller), and the length, 44, is prime to the three GOMAXPROCS
    /// values the runs cycle through, so that every shape meets every P count (45, the preemption shape twice, would
    /// pin each shape to one).</summary>
    public static readonly ImmutableArray<WorkloadShape> Shapes =
        [.. SchedulerShapes, .. ChannelShapes, .. SchedulerShapes, .. IoShapes, .. IoShapes, .. StackShapes, .. StackShapes, .. PreemptionShapes];

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
        WorkloadShape.ChanPingPong => ChanPingPong,
        WorkloadShape.ChanProducerConsumer => ChanProducerConsumer,
        WorkloadShape.ChanFan => ChanFan,
        WorkloadShape.ChanCloseDrain => ChanCloseDrain,
        WorkloadShape.ChanSelect => ChanSelect,
        WorkloadShape.ChanSelectRace => ChanSelectRace,
        WorkloadShape.ChanDeadlock => ChanDeadlock,
        WorkloadShape.ChanMixed => ChanMixed,
        WorkloadShape.ChanPanic => ChanPanic,
        WorkloadShape.IoWaiters => IoWaiters,
        WorkloadShape.IoBesideSyscalls => IoBesideSyscalls,
        WorkloadShape.DeepRecursion => DeepRecursion,
        WorkloadShape.WideFrame => WideFrame,
        WorkloadShape.GrowBesideParked => GrowBesideParked,
        WorkloadShape.GrowExitReuse => GrowExitReuse,
        WorkloadShape.PreemptCallChain => PreemptCallChain,
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown workload shape"),
    };

    /// <summary>
    /// A shape chosen at random, with its workload. The scheduler shapes keep their weights among themselves (ring
    /// overflows least: they are the slowest; mixed most); the channel shapes together get about a quarter of the
    /// draws (a deliberate panic the least), the poller's and the stack shapes about a tenth each, so a time-boxed
    /// campaign spends most of its budget where it did before channels.
    /// </summary>
    public static Gen<(WorkloadShape Shape, Workload Workload)> Tagged =>
        Gen.Frequency(AllShapes.Select(s => (Weight(s), Of(s).Select(w => (s, w)))));

    /// <summary>How often <see cref="Tagged"/> draws <paramref name="shape"/> (out of 77; the io, stack and preemption shapes 2 each).</summary>
    public static int Weight(WorkloadShape shape) => shape switch
    {
        WorkloadShape.RingOverflow => 2,
        WorkloadShape.Mixed => 8,
        WorkloadShape.ChanPanic => 1,
        _ when ChannelShapes.Contains(shape) || IoShapes.Contains(shape) || StackShapes.Contains(shape) || PreemptionShapes.Contains(shape) => 2,
        _ => 4,
    };

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

    /// <summary>k readers whose replies mostly share a deadline (so one netpoll returns many and injectglist splits
    /// them), each reading once or twice with a yield between; main may read too, then waits for them all.</summary>
    public static Gen<Workload> IoWaiters =>
        from k in Upto(2, 12)
        from waits in Gen.ListOf(Gen.Elements(1, 10, 10, 10, 25), 2)
        from times in Gen.Choose(1, 2)
        from mainWait in Gen.Elements(0, 0, 10, 40)
        select new Workload([
            Bdy(Workload.MainBody, [new RepeatOp(k, Blk(new GoOp("reader"))), .. (mainWait > 0 ? new Op[] { new IoOp(mainWait) } : []),
                new RepeatOp(k, Blk(new AcquireOp("done")))]),
            Bdy("reader", [new RepeatOp(times, Blk(new IoOp(waits[0]), new YieldOp())), new IoOp(waits[1]), new ReleaseOp("done")]),
        ]);

    /// <summary>io beside syscalls, two ways: <see cref="ReadersAndCallers"/>, and twice as often the rarer
    /// <see cref="LoneCaller"/> (about one of its runs in five reaches handoffp's last-running-P clause with a timer).</summary>
    public static Gen<Workload> IoBesideSyscalls => Gen.Frequency((1, ReadersAndCallers), (2, LoneCaller));

    /// <summary>r readers and c callers side by side: io N parks the g with no M and no P; syscall N keeps the M and
    /// may lose the P (handoffp, sysmon's retake); main waits for them all.</summary>
    private static Gen<Workload> ReadersAndCallers =>
        from r in Upto(1, 5)
        from c in Upto(1, 4)
        from wait in Gen.Elements(1, 5, 20)
        from micros in Gen.Elements(1, 20, 50)
        from times in Gen.Choose(1, 3)
        select new Workload([
            Bdy(Workload.MainBody, [new RepeatOp(r, Blk(new GoOp("reader"))), new RepeatOp(c, Blk(new GoOp("caller"))),
                new RepeatOp(r + c, Blk(new AcquireOp("done")))]),
            Bdy("reader", [new RepeatOp(times, Blk(new IoOp(wait), new WorkOp(20))), new ReleaseOp("done")]),
            Bdy("caller", [new RepeatOp(times, Blk(new SyscallOp(micros), new YieldOp())), new ReleaseOp("done")]),
        ]);

    /// <summary>One caller that dozes before each syscall, beside n nappers (a long sleep: a timer on the heap of the
    /// P each slept on) and r readers. The doze ends in checkdead's timejump, when every other M is idle, so the
    /// caller's syscall often loses a P, with a napper's timer on it, as the last running one with nothing else to
    /// run: handoffp's last-running-P clause then starts a non-spinning M for it, where without the clause the P
    /// would go idle with its timer and wakeNetPoller's wakep would start a spinning M.</summary>
    private static Gen<Workload> LoneCaller =>
        from n in Upto(2, 4)
        from r in Gen.Elements(0, 0, 1)
        from wait in Gen.Elements(1, 5, 20)
        from doze in Gen.Elements(10, 20)
        from micros in Gen.Elements(1, 20, 50)
        from times in Gen.Choose(2, 4)
        select new Workload([
            Bdy(Workload.MainBody, [new RepeatOp(n, Blk(new GoOp("napper"))), .. (r > 0 ? new Op[] { new GoOp("reader") } : []),
                new GoOp("caller"), new RepeatOp(n + r + 1, Blk(new AcquireOp("done")))]),
            Bdy("napper", [new SleepOp(400), new ReleaseOp("done")]),
            Bdy("reader", [new IoOp(wait), new WorkOp(20), new ReleaseOp("done")]),
            Bdy("caller", [new RepeatOp(times, Blk(new SleepOp(doze), new SyscallOp(micros))), new ReleaseOp("done")]),
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
        // Then a second wave once the deep gs have exited: newproc1 recycles their dead gs (gfget), whose gobufs an
        // exit from depth left full of the deep frames' values, so a newproc1 that does not clear them shows.
        return new Workload([
            Bdy(Workload.MainBody, [.. Enumerable.Repeat<Op>(new GoOp("deep"), copies), new CallOp(64, Blk(new YieldOp())), new YieldOp(),
                new RepeatOp(frames.Count + 2, Blk(new YieldOp())), .. Enumerable.Repeat<Op>(new GoOp("leaf"), copies)]),
            Bdy("deep", deep),
            Bdy("leaf", [new WorkOp(1)]),
        ]);
    }

    // ---- stacks (issue 13) -------------------------------------------------------------------------------------------

    /// <summary>The least the frames of a deep recursion add up to: 8 KiB, so a 2 KiB stack doubles three times at least.</summary>
    private const int MinDeepBytes = 8 * 1024;

    /// <summary>
    /// Calls nested 6 to 24 levels deep, frames of 64 bytes to 2.5 KiB adding up to 8 KiB or more (several
    /// doublings on the way down, each prologue that does not fit calling morestack); the deepest frame yields, and on
    /// the way back up every level or every second or third yields after its call returns, the body always: each of
    /// those saves sp and bp in a copied frame, whose rbp came back through the copied frame-pointer chain. One to
    /// three copies, the descent once or twice (the second fits), and main may descend too.
    /// </summary>
    public static Gen<Workload> DeepRecursion =>
        from depth in Gen.Choose(6, 24)
        from frames in Gen.ListOf(Gen.Elements(64, 200, 256, 512, 1000, 1500, 2500), depth)
        from yieldEvery in Gen.Choose(1, 3)
        from copies in Gen.Choose(1, 3)
        from rounds in Gen.Choose(1, 2)
        from mainToo in Gen.Elements(false, false, true)
        select BuildDeep([.. frames], yieldEvery, copies, rounds, mainToo);

    private static Workload BuildDeep(List<int> frames, int yieldEvery, int copies, int rounds, bool mainToo)
    {
        var total = frames.Sum();
        if (total < MinDeepBytes) frames[^1] += MinDeepBytes - total;
        var inner = Blk(new YieldOp());
        for (var i = frames.Count - 1; i >= 0; i--)
            inner = i % yieldEvery == 0 ? Blk(new CallOp(frames[i], inner), new YieldOp()) : Blk(new CallOp(frames[i], inner));
        Op[] descent = rounds == 1 ? [.. inner.Ops] : [new RepeatOp(rounds, inner)];
        return new Workload([
            Bdy(Workload.MainBody, [.. Enumerable.Repeat<Op>(new GoOp("deep"), copies), .. mainToo ? descent : [new YieldOp()]]),
            Bdy("deep", descent),
        ]);
    }

    /// <summary>
    /// One call with a frame of 5 KB to 150 KB inside a smaller one: a single newstack doubles the 2 KiB stack until
    /// the frame fits (to 16 KiB .. 256 KiB at once), and the prologue probes the frame's pages. Inside it a yield, some
    /// work or a small call that yields; then, maybe, a second wide call after the first returned, which fits (stacks
    /// do not shrink). One to three copies; main may make a wide call too.
    /// </summary>
    public static Gen<Workload> WideFrame =>
        from wide in Gen.Elements(5000, 12000, 20000, 33000, 40000, 70000, 150000)
        from outer in Gen.Elements(0, 64, 1000)
        from inside in Gen.Choose(0, 2)
        from copies in Gen.Choose(1, 3)
        from again in Gen.Elements(true, false)
        from mainToo in Gen.Elements(false, false, true)
        select BuildWide(wide, outer, inside, copies, again, mainToo);

    private static Workload BuildWide(int wide, int outer, int inside, int copies, bool again, bool mainToo)
    {
        Op inner = inside switch
        {
            0 => new YieldOp(),
            1 => new WorkOp(50),
            _ => new CallOp(512, Blk(new YieldOp())),
        };
        var ops = new List<Op> { new CallOp(outer, Blk(new YieldOp(), new CallOp(wide, Blk(inner, new YieldOp())), new YieldOp())) };
        if (again) ops.Add(new CallOp(wide, Blk(new YieldOp())));
        return new Workload([
            Bdy(Workload.MainBody, [.. Enumerable.Repeat<Op>(new GoOp("w"), copies), mainToo ? new CallOp(wide, Blk(new YieldOp())) : new YieldOp()]),
            Bdy("w", ops),
        ]);
    }

    /// <summary>
    /// k parkers wait (on a semaphore, or on an unbuffered channel as receivers or as senders), inside a frame that
    /// may have grown first; main yields so that they park, then starts a grower whose calls, two or three deep, grow
    /// its stack (frames of 1 KB to 12 KB) and wake the parkers from the deepest frame: a channel's value goes from
    /// the grown frame straight into a parked neighbour's frame, or from it into the grown one. The grown g's parked
    /// neighbours (their gobufs and stacks) are compared at every step across its copystack. Everyone signals main.
    /// </summary>
    public static Gen<Workload> GrowBesideParked =>
        from k in Gen.Choose(1, 4)
        from how in Gen.Choose(0, 2)
        from parkFrame in Gen.Elements(0, 64, 1500, 3000)
        from grow in Gen.ListOf(Gen.Elements(1000, 1500, 3000, 6000, 12000), 3)
        from depth in Gen.Choose(2, 3)
        select BuildBesideParked(k, how, parkFrame, [.. grow.Take(depth)]);

    private static Workload BuildBesideParked(int k, int how, int parkFrame, List<int> grow)
    {
        // how: 0 a semaphore, 1 the parkers receive on c, 2 they send on c.
        Op Wait() => how switch { 0 => new AcquireOp("wake"), 1 => new RecvOp("c"), _ => new SendOp("c") };
        Op Wake() => how switch { 0 => new ReleaseOp("wake"), 1 => new SendOp("c"), _ => new RecvOp("c") };
        var inner = Blk(new YieldOp(), new RepeatOp(k, Blk(Wake())));
        for (var i = grow.Count - 1; i >= 0; i--) inner = Blk(new CallOp(grow[i], inner), new YieldOp());
        return WithChans([
            Bdy(Workload.MainBody, [new RepeatOp(k, Blk(new GoOp("parker"))), new YieldOp(), new GoOp("grower"),
                new RepeatOp(k + 1, Blk(new AcquireOp("done")))]),
            Bdy("parker", [new CallOp(parkFrame, Blk(Wait(), new YieldOp())), new ReleaseOp("done")]),
            Bdy("grower", [.. inner.Ops, new ReleaseOp("done")]),
        ], Chan("c", 0));
    }

    /// <summary>
    /// Copies of a goroutine that grows inside calls two to four deep (frames of 1 KB to 6 KB, a yield in each) and
    /// exits from the deepest after signalling main; main waits for them all and then starts as many leaves, which
    /// newproc1 makes from the dead gs (gfget: gfput freed each grown stack, so each gets a new 2 KiB one) and which
    /// grow again in their own call. With 66 copies on one P the gFree list spills to the global lists (the no-stack
    /// one, every stack having been freed) and the leaves take them back.
    /// </summary>
    public static Gen<Workload> GrowExitReuse =>
        from depth in Gen.Choose(2, 4)
        from frames in Gen.ListOf(Gen.Elements(1000, 1500, 3000, 6000), depth)
        from copies in Gen.Elements(1, 2, 3, 4, 66)
        from leafFrame in Gen.Elements(0, 1000, 1500, 3000)
        select BuildGrowExit([.. frames], copies, leafFrame);

    private static Workload BuildGrowExit(List<int> frames, int copies, int leafFrame)
    {
        var inner = Blk(new YieldOp(), new ReleaseOp("s"), new ExitOp());
        for (var i = frames.Count - 1; i >= 0; i--) inner = Blk(new YieldOp(), new CallOp(frames[i], inner));
        return new Workload([
            Bdy(Workload.MainBody, [new RepeatOp(copies, Blk(new GoOp("deep"))), new RepeatOp(copies, Blk(new AcquireOp("s"))),
                new RepeatOp(copies, Blk(new GoOp("leaf"))), new YieldOp()]),
            Bdy("deep", inner.Ops),
            Bdy("leaf", [new CallOp(leafFrame, Blk(new YieldOp()))]),
        ]);
    }

    /// <summary>
    /// One to three chains: each repeats 3 to 8 times a runtime op that lets it go on (a go of a leaf whose own body
    /// has a call, a release, a send into a channel with room for every send) and then calls nested two or three deep
    /// (frames of 64 B to 1 KB, a little work at the bottom); last, a call of 3000 bytes, which does not fit a 2 KiB
    /// stack, so a g preempted at that prologue grows when it resumes there. A ticker yields between calls of its own, so the
    /// global queue holds it when a chain is preempted behind it. Everyone signals main.
    /// </summary>
    public static Gen<Workload> PreemptCallChain =>
        from chains in Gen.Choose(1, 3)
        from rounds in Gen.Choose(3, 8)
        from op in Gen.Choose(0, 2)
        from frames in Gen.ListOf(Gen.Elements(64, 128, 512, 1000), 3)
        from depth in Gen.Choose(2, 3)
        from work in Gen.Choose(1, 20)
        from ticker in Gen.Elements(true, true, false)
        select BuildPreemptChain(chains, rounds, op, [.. frames.Take(depth)], work, ticker);

    private static Workload BuildPreemptChain(int chains, int rounds, int op, List<int> frames, int work, bool ticker)
    {
        // op: 0 go leaf, 1 release (a semaphore nobody waits on), 2 a send into a buffered channel that never fills.
        Op GoesOn() => op switch { 0 => new GoOp("leaf"), 1 => new ReleaseOp("tick"), _ => new SendOp("c") };
        var inner = Blk(new WorkOp(work));
        for (var i = frames.Count - 1; i >= 0; i--) inner = Blk(new CallOp(frames[i], inner));
        var waiters = chains + (ticker ? 1 : 0);
        var bodies = new List<Body>
        {
            Bdy(Workload.MainBody, [new RepeatOp(chains, Blk(new GoOp("chain"))), .. ticker ? [new GoOp("ticker")] : Array.Empty<Op>(),
                new RepeatOp(waiters, Blk(new AcquireOp("done")))]),
            Bdy("chain", [new RepeatOp(rounds, Blk([GoesOn(), .. inner.Ops])), new CallOp(3000, Blk(new WorkOp(1))), new ReleaseOp("done")]),
            Bdy("leaf", [new CallOp(64, Blk(new WorkOp(1)))]),
        };
        if (ticker) bodies.Add(Bdy("ticker", [new RepeatOp(3, Blk(new YieldOp(), new CallOp(128, Blk(new WorkOp(5))))), new ReleaseOp("done")]));
        return op == 2 ? WithChans(bodies, Chan("c", chains * rounds)) : new Workload(bodies);
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

    // ---- channels ----------------------------------------------------------------------------------------------------

    private static ChanDecl Chan(string name, int capacity) => new(name, capacity);
    private static ChanDecl NilChan(string name) => new(name, 0, IsNil: true);
    private static SelectCaseOp RecvCase(string chan, params Op[] body) => new(SelectCaseKind.Recv, chan, Blk(body));
    private static SelectCaseOp SendCase(string chan, params Op[] body) => new(SelectCaseKind.Send, chan, Blk(body));
    private static SelectCaseOp DefaultCase(params Op[] body) => new(SelectCaseKind.Default, null, Blk(body));
    private static SelectOp Select(params SelectCaseOp[] cases) => new(Blk(cases));
    private static SelectOp Select(IEnumerable<SelectCaseOp> cases) => new(Blk(cases));

    /// <summary>A workload with exactly the channels its ops name, in the order of <paramref name="decls"/>.</summary>
    private static Workload WithChans(IEnumerable<Body> bodies, params ChanDecl[] decls)
    {
        var list = bodies.ToList();
        var used = ChannelsUsed(list);
        return new Workload(list, decls.Where(d => used.Contains(d.Name)));
    }

    /// <summary>The channel names the ops of <paramref name="bodies"/> use (select cases and nested blocks included).</summary>
    public static HashSet<string> ChannelsUsed(IEnumerable<Body> bodies)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Walk(Block b)
        {
            foreach (var op in b)
            {
                switch (op)
                {
                    case SendOp s: names.Add(s.Chan); break;
                    case RecvOp r: names.Add(r.Chan); break;
                    case CloseOp c: names.Add(c.Chan); break;
                    case SelectCaseOp { Chan: { } name }: names.Add(name); break;
                }
                if (op.Nested is { } inner) Walk(inner);
            }
        }
        foreach (var body in bodies) Walk(body.Ops);
        return names;
    }

    /// <summary>Ping-pong over two unbuffered channels (or one, used both ways), the pong side doing some work.</summary>
    public static Gen<Workload> ChanPingPong =>
        from rounds in Upto(1, 30)
        from work in Gen.Choose(0, 50)
        from oneChannel in Gen.Elements(false, false, true)
        from tail in Fillers(0, 2)
        select oneChannel
            ? WithChans([
                Bdy(Workload.MainBody, [new GoOp("pong"), new RepeatOp(rounds, Blk(new SendOp("c"), new RecvOp("c"))), .. tail]),
                Bdy("pong", [new RepeatOp(rounds, Blk(new RecvOp("c"), new WorkOp(work), new SendOp("c")))]),
            ], Chan("c", 0))
            : WithChans([
                Bdy(Workload.MainBody, [new GoOp("pong"), new RepeatOp(rounds, Blk(new SendOp("ping"), new RecvOp("pong"))), .. tail]),
                Bdy("pong", [new RepeatOp(rounds, Blk(new RecvOp("ping"), new WorkOp(work), new SendOp("pong")))]),
            ], Chan("ping", 0), Chan("pong", 0));

    /// <summary>k producers each send n values into a buffered channel that main drains (or main produces for one
    /// consumer goroutine); every value sent is received.</summary>
    public static Gen<Workload> ChanProducerConsumer =>
        from capacity in Gen.Choose(1, 4)
        from producers in Gen.Choose(1, 3)
        from n in Upto(1, 12)
        from mainConsumes in Gen.Elements(true, true, false)
        from producerFiller in Fillers(0, 1)
        from consumerFiller in Fillers(0, 1)
        select mainConsumes
            ? WithChans([
                Bdy(Workload.MainBody, [new RepeatOp(producers, Blk(new GoOp("producer"))), new RepeatOp(producers * n, Blk([new RecvOp("q"), .. consumerFiller]))]),
                Bdy("producer", [new RepeatOp(n, Blk([new SendOp("q"), .. producerFiller]))]),
            ], Chan("q", capacity))
            : WithChans([
                Bdy(Workload.MainBody, [new GoOp("consumer"), new RepeatOp(n, Blk([new SendOp("q"), .. producerFiller]))]),
                Bdy("consumer", [new RepeatOp(n, Blk([new RecvOp("q"), .. consumerFiller]))]),
            ], Chan("q", capacity));

    /// <summary>Fan-in: k senders, one receiver (main) taking all k·n values. Fan-out: main hands k·n jobs to k
    /// workers, each takes n and reports on "done", which main receives k times.</summary>
    public static Gen<Workload> ChanFan =>
        from k in Gen.Choose(2, 4)
        from n in Upto(1, 6)
        from capacity in Gen.Choose(0, 2)
        from fanIn in Gen.Elements(true, false)
        from work in Gen.Choose(0, 40)
        select fanIn
            ? WithChans([
                Bdy(Workload.MainBody, [new RepeatOp(k, Blk(new GoOp("sender"))), new RepeatOp(k * n, Blk(new RecvOp("c")))]),
                Bdy("sender", [new RepeatOp(n, Blk(new WorkOp(work), new SendOp("c")))]),
            ], Chan("c", capacity))
            : WithChans([
                Bdy(Workload.MainBody, [
                    new RepeatOp(k, Blk(new GoOp("worker"))),
                    new RepeatOp(k * n, Blk(new SendOp("jobs"))),
                    new RepeatOp(k, Blk(new RecvOp("done"))),
                ]),
                Bdy("worker", [new RepeatOp(n, Blk(new RecvOp("jobs"), new WorkOp(work))), new SendOp("done")]),
            ], Chan("jobs", capacity), Chan("done", 0));

    /// <summary>
    /// One sender sends n values and then closes the channel; receivers take at least n values between them, so every
    /// send completes, and the receives after the drain get the zero value and !ok. The sender is main (with r drain
    /// goroutines) or a goroutine (main drains).
    /// </summary>
    public static Gen<Workload> ChanCloseDrain =>
        from capacity in Gen.Choose(0, 3)
        from n in Upto(0, 8)
        from receivers in Gen.Elements(1, 2, 2, 3)
        from extra in Gen.Choose(1, 2)
        from mainSends in Gen.Elements(true, true, false)
        from yieldBeforeClose in Gen.Elements(true, true, false)
        select BuildCloseDrain(capacity, n, receivers, extra, mainSends, yieldBeforeClose);

    private static Workload BuildCloseDrain(int capacity, int n, int receivers, int extra, bool mainSends, bool yieldBeforeClose)
    {
        var sends = new List<Op> { new RepeatOp(n, Blk(new SendOp("q"))) };
        // With main sending, a yield per receiver first lets every drain goroutine run dry and park on q, so the close
        // finds them all waiting: closechan must ready every one (the last dequeued first).
        if (yieldBeforeClose) sends.Add(mainSends ? new RepeatOp(receivers, Blk(new YieldOp())) : new YieldOp());
        sends.Add(new CloseOp("q"));
        if (mainSends)
        {
            // Each of r receivers takes ceil(n / r) + extra: at least n in all.
            var each = (n + receivers - 1) / receivers + extra;
            return WithChans([
                Bdy(Workload.MainBody, [new RepeatOp(receivers, Blk(new GoOp("drain"))), .. sends]),
                Bdy("drain", [new RepeatOp(each, Blk(new RecvOp("q")))]),
            ], Chan("q", capacity));
        }
        return WithChans([
            Bdy(Workload.MainBody, [new GoOp("producer"), new RepeatOp(n + 1 + extra, Blk(new RecvOp("q")))]),
            Bdy("producer", sends),
        ], Chan("q", capacity));
    }

    /// <summary>
    /// Selects: main takes 2n values from two senders with a two-case select (no default); or a sender offers n values
    /// with a select that has a default, then closes, while main receives until it sees the close; or main polls a
    /// buffered channel with a default; or a select with a nil channel's case next to a real one.
    /// </summary>
    public static Gen<Workload> ChanSelect => Gen.OneOf(
        from n in Upto(1, 6)
        from capacity in Gen.Choose(0, 2)
        from work in Gen.Choose(0, 30)
        select WithChans([
            Bdy(Workload.MainBody, [new GoOp("sa"), new GoOp("sb"), new RepeatOp(2 * n, Blk(Select(RecvCase("a", new WorkOp(work)), RecvCase("b"))))]),
            Bdy("sa", [new RepeatOp(n, Blk(new SendOp("a")))]),
            Bdy("sb", [new RepeatOp(n, Blk(new SendOp("b"), new YieldOp()))]),
        ], Chan("a", capacity), Chan("b", capacity)),
        from n in Upto(1, 8)
        from capacity in Gen.Choose(0, 2)
        from m in Gen.Choose(1, 4)
        select WithChans([
            Bdy(Workload.MainBody, [new GoOp("offer"), new RepeatOp(m, Blk(new RecvOp("c")))]),
            Bdy("offer", [new RepeatOp(n, Blk(Select(SendCase("c"), DefaultCase(new YieldOp())))), new CloseOp("c")]),
        ], Chan("c", capacity)),
        from n in Gen.Choose(1, 4)
        from polls in Upto(1, 10)
        select WithChans([
            Bdy(Workload.MainBody, [new GoOp("fill"), new RepeatOp(polls, Blk(Select(RecvCase("c", new WorkOp(5)), DefaultCase(new YieldOp()))))]),
            Bdy("fill", [new RepeatOp(n, Blk(new SendOp("c")))]),
        ], Chan("c", n)),
        from n in Upto(1, 5)
        from capacity in Gen.Choose(0, 1)
        select WithChans([
            Bdy(Workload.MainBody, [new GoOp("s"), new RepeatOp(n, Blk(Select(RecvCase("n"), RecvCase("c"))))]),
            Bdy("s", [new RepeatOp(n, Blk(new SendOp("c")))]),
        ], NilChan("n"), Chan("c", capacity)));

    /// <summary>
    /// A select that finds two cases ready: two senders (or two receivers) parked on, or having filled, two channels,
    /// or one sender that did <c>send c1; send c2</c> into buffered channels; main yields first (once or twice: on one P
    /// the first schedule may take main back at once, by the 1-in-61 check) so that they get there,
    /// then selects twice (taking both, in the order the poll order gives).
    /// </summary>
    public static Gen<Workload> ChanSelectRace => Gen.OneOf(
        from capacity in Gen.Choose(0, 1)
        from bodies in Gen.Elements(true, false)
        from yields in Gen.Choose(1, 2)
        select WithChans([
            Bdy(Workload.MainBody, [new GoOp("sa"), new GoOp("sb"), .. Enumerable.Repeat<Op>(new YieldOp(), yields),
                new RepeatOp(2, Blk(Select(bodies ? RecvCase("a", new WorkOp(3)) : RecvCase("a"), bodies ? RecvCase("b", new YieldOp()) : RecvCase("b"))))]),
            Bdy("sa", [new SendOp("a")]),
            Bdy("sb", [new SendOp("b")]),
        ], Chan("a", capacity), Chan("b", capacity)),
        from yields in Gen.Choose(1, 2)
        select WithChans([
            Bdy(Workload.MainBody, [new GoOp("s"), .. Enumerable.Repeat<Op>(new YieldOp(), yields),
                Select(RecvCase("c1"), RecvCase("c2")), Select(RecvCase("c1"), RecvCase("c2"))]),
            Bdy("s", [new SendOp("c1"), new SendOp("c2")]),
        ], Chan("c1", 1), Chan("c2", 1)),
        from capacity in Gen.Choose(0, 1)
        from yields in Gen.Choose(1, 2)
        select WithChans([
            Bdy(Workload.MainBody, [new GoOp("ra"), new GoOp("rb"), .. Enumerable.Repeat<Op>(new YieldOp(), yields), new RepeatOp(2, Blk(Select(SendCase("a"), SendCase("b"))))]),
            Bdy("ra", [new RecvOp("a")]),
            Bdy("rb", [new RecvOp("b")]),
        ], Chan("a", capacity), Chan("b", capacity)));

    /// <summary>One to three goroutines each stuck for good on a channel (a receive nobody sends to, a send nobody
    /// takes, a full buffer, a nil channel, <c>select {}</c>, a select nobody serves); main may be stuck too.</summary>
    public static Gen<Workload> ChanDeadlock =>
        from first in Gen.Elements(0, 1, 2, 3, 4, 6)
        from count in Gen.Choose(0, 2)
        from rest in Gen.ListOf(Gen.Choose(0, 6), count)
        let waiters = rest.Prepend(first)
        from mainWaits in Gen.Elements(true, false)
        from mainOp in Gen.Choose(0, 6)
        select BuildChanDeadlock(waiters.ToList(), mainWaits ? mainOp : -1);

    private static Op[] Stuck(int kind) => kind switch
    {
        0 => [new RecvOp("never")],
        1 => [new SendOp("nobody")],
        2 => [new SendOp("full"), new SendOp("full")],
        3 => [new RecvOp("nilc")],
        4 => [new SendOp("nilc")],
        5 => [Select()],
        _ => [Select(RecvCase("never"), RecvCase("nilc"), SendCase("nobody"))],
    };

    private static Workload BuildChanDeadlock(List<int> waiters, int mainOp)
    {
        var bodies = new List<Body>();
        var main = new List<Op>();
        for (var i = 0; i < waiters.Count; i++) main.Add(new GoOp($"w{i}"));
        if (mainOp >= 0) main.AddRange(Stuck(mainOp));
        bodies.Add(Bdy(Workload.MainBody, main));
        for (var i = 0; i < waiters.Count; i++) bodies.Add(Bdy($"w{i}", [new YieldOp(), .. Stuck(waiters[i])]));
        // Nobody sends on "never" and nobody receives from "nobody" or "full" (whose one slot the first send fills).
        return WithChans(bodies, Chan("never", 0), Chan("nobody", 0), Chan("full", 1), NilChan("nilc"));
    }

    /// <summary>
    /// Up to four bodies of random ops (as <see cref="Mixed"/>: body i starts only bodies after it, never in a loop)
    /// over one to three channels of capacity 0 to 2 and a semaphore: sends, receives, selects of two or three cases
    /// with or without a default, yields, work, releases. Nothing closes, so nothing panics; it may deadlock.
    /// </summary>
    public static Gen<Workload> ChanMixed =>
        from bodyCount in Gen.Choose(1, 4)
        from chanCount in Gen.Choose(1, 3)
        from capacities in Gen.ListOf(Gen.Choose(0, 2), chanCount)
        from blocks in Gen.CollectToList(Enumerable.Range(0, bodyCount), i => ChanMixedBody(i, bodyCount, capacities.Count))
        // main does at least one channel op, so every workload of the shape has a channel.
        from first in Gen.Choose(0, capacities.Count - 1).SelectMany(c => Gen.Elements<Op>(new SendOp($"c{c}"), new RecvOp($"c{c}"),
            Select(RecvCase($"c{c}"), DefaultCase())))
        from at in Gen.Choose(0, 1000)
        select WithChans(blocks.Select((ops, i) => Bdy(i == 0 ? Workload.MainBody : $"b{i}", i == 0 ? Insert(ops, at, first) : ops)),
            [.. capacities.Select((c, i) => Chan($"c{i}", c))]);

    private static List<Op> Insert(List<Op> ops, int at, Op op)
    {
        var result = new List<Op>(ops);
        result.Insert(at % (result.Count + 1), op);
        return result;
    }

    private static Gen<List<Op>> ChanMixedBody(int index, int bodyCount, int chans) =>
        from ops in Gen.Choose(0, 6).SelectMany(n => Gen.ListOf(ChanMixedOp(chans, depth: 1), n)).Select(l => l.ToList())
        from targets in index + 1 < bodyCount
            ? Gen.Choose(0, 2).SelectMany(n => Gen.ListOf(Gen.Choose(index + 1, bodyCount - 1), n)).Select(l => l.ToList())
            : Gen.Constant(new List<int>())
        from positions in Gen.ListOf(Gen.Choose(0, 1000), targets.Count)
        select Splice(ops, targets.ToList(), positions.ToList());

    private static Gen<Op> ChanMixedOp(int chans, int depth)
    {
        var chan = Gen.Choose(0, chans - 1).Select(i => $"c{i}");
        var caseGen = Gen.OneOf(chan.Select(c => RecvCase(c)), chan.Select(c => SendCase(c)), chan.Select(c => RecvCase(c, new YieldOp())));
        var choices = new List<(int, Gen<Op>)>
        {
            (2, Gen.Constant<Op>(new YieldOp())),
            (1, Gen.Choose(0, 200).Select(n => (Op)new WorkOp(n))),
            (1, Gen.Constant<Op>(new ReleaseOp("s"))),
            (3, chan.Select(c => (Op)new SendOp(c))),
            (3, chan.Select(c => (Op)new RecvOp(c))),
            (3,
                from cases in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(caseGen, n))
                from withDefault in Gen.Elements(true, false)
                select (Op)Select(withDefault ? cases.Append(DefaultCase()) : cases)),
        };
        if (depth > 0)
            choices.Add((1,
                from count in Gen.Choose(0, 3)
                from body in Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(ChanMixedOp(chans, depth - 1), n))
                select (Op)new RepeatOp(count, Blk(body))));
        return Gen.Frequency(choices);
    }

    /// <summary>A deliberate panic: a send on a closed channel (plain, or a select's send case, or a sender parked
    /// when the channel is closed under it), a second close, or a close of a nil channel.</summary>
    public static Gen<Workload> ChanPanic =>
        from kind in Gen.Choose(0, 4)
        from before in Fillers(0, 2)
        select kind switch
        {
            0 => WithChans([Bdy(Workload.MainBody, [.. before, new CloseOp("c"), new SendOp("c")])], Chan("c", 1)),
            1 => WithChans([Bdy(Workload.MainBody, [.. before, new CloseOp("c"), new CloseOp("c")])], Chan("c", 0)),
            2 => WithChans([Bdy(Workload.MainBody, [.. before, new CloseOp("n")])], NilChan("n")),
            3 => WithChans([Bdy(Workload.MainBody, [.. before, new CloseOp("c"), Select(SendCase("c"), DefaultCase())])], Chan("c", 0)),
            _ => WithChans([
                Bdy(Workload.MainBody, [new GoOp("sender"), new YieldOp(), .. before, new CloseOp("c")]),
                Bdy("sender", [new SendOp("c")]),
            ], Chan("c", 0)),
        };

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
                    // A select runs one case: the most any case spawns.
                    SelectOp s => s.Cases.Count == 0 ? 0 : s.Cases.Max(c => Spawns(c.Nested!)),
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
            SelectOp s => Deepest(s.Cases),
            SelectCaseOp c => Deepest(c.Body),
            _ => 0,
        });
        return workload.Bodies.Max(b => Deepest(b.Ops));
    }
}
