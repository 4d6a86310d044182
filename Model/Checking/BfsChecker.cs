using System.Diagnostics;
using System.IO.Hashing;

namespace Model.Checking;

/// <summary>
/// Breadth-first explicit-state search. The queue holds only canonical encodings; the visited set holds only 64-bit
/// XxHash3 fingerprints (a collision could hide a state: at 10⁷ states the chance is about 3·10⁻⁶). The search goes
/// level by level, each level split among the threads in chunks and then sorted by fingerprint (a linear bucket
/// sort). Every fingerprint keeps the smallest (parent index, action index) that reached it; so counts, depths,
/// violations and counterexample paths are the same at any thread count. Paths are rebuilt by walking parents back and replaying the actions forward.
/// </summary>
public sealed class BfsChecker<TState, TAction>
    where TState : class
{
    private const int ActionBits = 12;
    private const int IndexBits = 36;

    private readonly IModel<TState, TAction> _model;
    private readonly CheckerOptions _options;

    public BfsChecker(IModel<TState, TAction> model, CheckerOptions? options = null)
    {
        _model = model;
        _options = options ?? new CheckerOptions();
    }

    /// <summary>One level of the queue: the encodings where the workers wrote them (processed in that order, for
    /// locality), each with its rank in fingerprint order, which is its index for parents and paths.</summary>
    private sealed class Level
    {
        public byte[][] Arenas = [];
        public int[] Arena = [];
        public int[] Start = [];
        public int[] Length = [];
        /// <summary>Rank (index in fingerprint order) of the state stored at each position.</summary>
        public int[] Rank = [];
        /// <summary>Fingerprints by rank.</summary>
        public ulong[] Fps = [];
        public int Count;
        public ReadOnlySpan<byte> State(int i) => Arenas[Arena[i]].AsSpan(Start[i], Length[i]);
    }

    /// <summary>A worker's output for one level.</summary>
    private sealed class Sink
    {
        public byte[] Arena = new byte[1 << 16];
        public int Used;
        public readonly List<(int Start, int Length, ulong Fp)> States = [];
        public readonly List<(int Bit, ulong Fp)> Failures = [];
        public readonly List<(int Property, int Index)> EndFailures = [];
        public long Terminal, Deadlocks;
        public long[] EndFailureCounts = [];
        // Keeps the hot fields of two workers' sinks (Used, the lists) off one cache line.
#pragma warning disable CS0169, IDE0051
        private readonly long _pad0, _pad1, _pad2, _pad3, _pad4, _pad5, _pad6, _pad7, _pad8, _pad9, _padA, _padB, _padC, _padD, _padE, _padF;
#pragma warning restore CS0169, IDE0051

        /// <summary>Keeps the <paramref name="length"/> bytes just encoded at <see cref="Used"/>.</summary>
        public void Commit(int length, ulong fp)
        {
            States.Add((Used, length, fp));
            Used += length;
        }

        public void Add(ReadOnlySpan<byte> bytes, ulong fp)
        {
            if (Used + bytes.Length > Arena.Length) Array.Resize(ref Arena, Math.Max(Arena.Length * 2, Used + bytes.Length));
            bytes.CopyTo(Arena.AsSpan(Used));
            States.Add((Used, bytes.Length, fp));
            Used += bytes.Length;
        }
    }

    private sealed class Worker
    {
        public required TState Current;
        public required TState Next;
        public byte[] Canonical = new byte[1024];
        public readonly List<TAction> Actions = [];
    }

    /// <summary>The fingerprint: of the canonical encoding under symmetry reduction, else of the encoding itself.</summary>
    private ulong Fingerprint(TState state, ReadOnlySpan<byte> encoding, ref byte[] canonical)
    {
        var len = _model.EncodeCanonical(state, ref canonical);
        return XxHash3.HashToUInt64(len < 0 ? encoding : canonical.AsSpan(0, len), _options.Seed);
    }

    /// <summary>Runs the search.</summary>
    public ExploreResult<TState, TAction> Run()
    {
        var threads = Math.Max(1, _options.Threads);
        var props = _model.Properties;
        if (props.Count > 64) throw new InvalidOperationException("at most 64 properties");
        var clock = Stopwatch.StartNew();
        var visited = new FingerprintSet(threads > 1);
        var levels = new List<ulong[]>();
        byte[][]? spare = null; // arenas free for the next level's workers
        long distinct = 0; // states known, updated by the workers in batches (the set's own count is exact)
        long generated = 0, terminal = 0, deadlocks = 0;
        var propCounts = new long[props.Count];
        var firstFailure = new (int Depth, ulong Fp, int EndIndex)?[props.Count];
        var stopAfterLevel = false;
        string? stoppedBy = null;
        var depth = 0;
        long queue = 0;
        var stop = 0;

        using var timer = _options.Progress is { } progress
            ? new Timer(_ => progress(new CheckerStats(Interlocked.Read(ref generated), visited.Count, Volatile.Read(ref depth),
                Interlocked.Read(ref queue), clock.Elapsed)), null, _options.ProgressInterval, _options.ProgressInterval)
            : null;

        // Level 0.
        var inits = _model.InitStates();
        var first = new Sink();
        var scratchBuf = new byte[1024];
        var canonBuf = new byte[1024];
        for (var i = 0; i < inits.Count; i++)
        {
            var len = _model.Encode(inits[i], ref scratchBuf);
            var bytes = scratchBuf.AsSpan(0, len);
            var fp = Fingerprint(inits[i], bytes, ref canonBuf);
            generated++;
            if (!visited.Add(fp, i)) continue;
            first.Add(bytes, fp);
            var mask = _model.FailingAlways(inits[i]);
            for (var b = 0; mask != 0; b++, mask >>= 1)
                if ((mask & 1) != 0) first.Failures.Add((b, fp));
        }
        var level = Collect([first], visited, 0, propCounts, firstFailure, props, ref stopAfterLevel);
        levels.Add(level.Fps);
        queue = level.Count;

        var workers = new Worker[threads];
        for (var t = 0; t < threads; t++) workers[t] = new Worker { Current = _model.NewScratch(), Next = _model.NewScratch() };

        while (level.Count > 0 && !stopAfterLevel && stoppedBy is null)
        {
            if (depth >= _options.MaxDepth) { stoppedBy = $"depth bound {_options.MaxDepth}"; break; }
            var sinks = new Sink[threads];
            for (var t = 0; t < threads; t++)
            {
                sinks[t] = new Sink { EndFailureCounts = new long[props.Count] };
                // Reuse the arenas of the level before this one: nothing reads them any more.
                if (spare is not null && t < spare.Length) sinks[t].Arena = spare[t];
            }
            var chunk = Math.Max(64, level.Count / (threads * 16) + 1);
            var nextChunk = 0;
            var current = level;
            var d = depth;

            void Work(int t)
            {
                var w = workers[t];
                var sink = sinks[t];
                long made = 0, added = 0; // counted locally: shared counters would bounce between the cores
                while (Volatile.Read(ref stop) == 0)
                {
                    var from = Interlocked.Add(ref nextChunk, chunk) - chunk;
                    if (from >= current.Count) break;
                    var to = Math.Min(current.Count, from + chunk);
                    for (var pos = from; pos < to; pos++)
                    {
                        var i = current.Rank[pos];
                        var encoding = current.State(pos);
                        _model.Decode(encoding, w.Current);
                        if (!_model.WithinBoundary(w.Current)) continue;
                        w.Actions.Clear();
                        _model.Actions(w.Current, w.Actions);
                        if (w.Actions.Count == 0)
                        {
                            sink.Terminal++;
                            for (var p = 0; p < props.Count; p++)
                            {
                                if (props[p].Kind != PropertyKind.AtEnd || props[p].Holds(w.Current)) continue;
                                sink.EndFailureCounts[p]++;
                                sink.EndFailures.Add((p, i));
                                if (props[p].IsDeadlock) sink.Deadlocks++;
                            }
                            continue;
                        }
                        if (w.Actions.Count >= 1 << ActionBits) throw new InvalidOperationException("too many actions in one state");
                        for (var a = 0; a < w.Actions.Count; a++)
                        {
                            var succ = w.Next;
                            if (a == w.Actions.Count - 1 && _model.TryStepInPlace(w.Current, w.Actions[a]))
                                succ = w.Current; // the last action: the parent is no longer needed
                            else if (!_model.NextFromEncoding(encoding, w.Current, w.Actions[a], w.Next)) continue;
                            // Encoded straight into the sink's arena: kept there if new, overwritten if not.
                            var len = _model.EncodeAt(succ, ref sink.Arena, sink.Used);
                            var fp = Fingerprint(succ, sink.Arena.AsSpan(sink.Used, len), ref w.Canonical);
                            made++;
                            var order = ((long)(d + 1) << (IndexBits + ActionBits)) | ((long)i << ActionBits) | (long)a;
                            if (!visited.Add(fp, order)) continue;
                            added++;
                            sink.Commit(len, fp);
                            var mask = _model.FailingAlways(succ);
                            for (var b = 0; mask != 0; b++, mask >>= 1)
                                if ((mask & 1) != 0) sink.Failures.Add((b, fp));
                        }
                        if ((pos & 255) == 0)
                        {
                            Interlocked.Add(ref generated, made);
                            made = 0;
                            var known = Interlocked.Add(ref distinct, added);
                            added = 0;
                            if (known >= _options.MaxStates || _options.TimeLimit is { } limit && clock.Elapsed > limit)
                                Interlocked.Exchange(ref stop, 1);
                        }
                    }
                }
                Interlocked.Add(ref generated, made);
            }

            if (threads == 1) Work(0);
            else
            {
                var pool = new Thread[threads];
                for (var t = 0; t < threads; t++)
                {
                    var id = t;
                    pool[t] = new Thread(() => Work(id), 16 << 20) { IsBackground = true, Name = $"bfs-{t}" };
                    pool[t].Start();
                }
                foreach (var th in pool) th.Join();
            }

            foreach (var s in sinks)
            {
                terminal += s.Terminal;
                deadlocks += s.Deadlocks;
                for (var p = 0; p < props.Count; p++) propCounts[p] += s.EndFailureCounts[p];
                foreach (var (p, idx) in s.EndFailures)
                {
                    if (firstFailure[p] is { } f && (f.Depth < depth || f.Depth == depth && f.EndIndex <= idx)) continue;
                    firstFailure[p] = (depth, current.Fps[idx], idx);
                    if (!props[p].IsDeadlock && _options.StopAtFirstViolation) stopAfterLevel = true;
                }
            }
            if (Volatile.Read(ref stop) != 0)
                stoppedBy = visited.Count >= _options.MaxStates ? $"state bound {_options.MaxStates:N0}" : "time bound";
            var next = Collect(sinks, visited, depth + 1, propCounts, firstFailure, props, ref stopAfterLevel);
            distinct = visited.Count;
            if (next.Count == 0) break;
            spare = level.Arenas;
            level = next;
            levels.Add(level.Fps);
            Volatile.Write(ref depth, depth + 1);
            Interlocked.Exchange(ref queue, level.Count);
        }

        clock.Stop();
        var violations = new List<PropertyViolation<TState, TAction>>();
        for (var p = 0; p < props.Count; p++)
        {
            if (firstFailure[p] is not { } f) continue;
            var path = Rebuild(f.Depth, f.Fp, levels, visited, inits);
            violations.Add(new PropertyViolation<TState, TAction>(props[p].Name, props[p].Kind, props[p].IsDeadlock, propCounts[p], path));
        }
        return new ExploreResult<TState, TAction>
        {
            Distinct = visited.Count,
            Generated = Interlocked.Read(ref generated),
            MaxDepth = depth,
            Elapsed = clock.Elapsed,
            TerminalStates = terminal,
            Deadlocks = deadlocks,
            Violations = violations,
            Exhausted = stoppedBy is null && !stopAfterLevel,
            StoppedBy = stoppedBy ?? (stopAfterLevel ? "first violation" : null),
            Threads = threads,
        };
    }

    /// <summary>Merges the workers' new states into the next level, sorted by fingerprint, and resolves which failing
    /// state of each property is first (smallest order key: parent index, then action index).</summary>
    private Level Collect(Sink[] sinks, FingerprintSet visited, int depth, long[] propCounts,
        (int Depth, ulong Fp, int EndIndex)?[] firstFailure, IReadOnlyList<Property<TState>> props, ref bool stopAfterLevel)
    {
        var total = 0;
        foreach (var s in sinks) total += s.States.Count;
        var fps = new ulong[total];
        var from = new int[total];
        var index = new int[total];
        var k = 0;
        for (var si = 0; si < sinks.Length; si++)
            for (var j = 0; j < sinks[si].States.Count; j++)
            {
                fps[k] = sinks[si].States[j].Fp;
                from[k] = si;
                index[k++] = j;
            }
        var order = SortByFingerprint(fps);
        var level = new Level
        {
            Arenas = sinks.Select(s => s.Arena).ToArray(),
            Arena = from, Start = new int[total], Length = new int[total], Rank = new int[total], Fps = new ulong[total], Count = total,
        };
        for (var x = 0; x < total; x++)
        {
            var st = sinks[from[x]].States[index[x]];
            level.Start[x] = st.Start;
            level.Length[x] = st.Length;
        }
        for (var r = 0; r < total; r++)
        {
            level.Rank[order[r]] = r;
            level.Fps[r] = fps[order[r]];
        }
        var best = new long[props.Count];
        var bestFp = new ulong[props.Count];
        Array.Fill(best, long.MaxValue);
        foreach (var s in sinks)
            foreach (var (bit, fp) in s.Failures)
            {
                propCounts[bit]++;
                var key = visited.Order(fp);
                if (key < best[bit]) { best[bit] = key; bestFp[bit] = fp; }
            }
        for (var p = 0; p < props.Count; p++)
        {
            if (best[p] == long.MaxValue || firstFailure[p] is not null) continue;
            firstFailure[p] = (depth, bestFp[p], -1);
            if (!props[p].IsDeadlock && _options.StopAtFirstViolation) stopAfterLevel = true;
        }
        return level;
    }

    /// <summary>The permutation that sorts <paramref name="fps"/>: fingerprints are uniform, so a counting sort on
    /// their top bits leaves buckets of about one, finished by insertion sort. Linear time; the same order whatever
    /// the number of threads that found the states.</summary>
    private static int[] SortByFingerprint(ulong[] fps)
    {
        var n = fps.Length;
        var order = new int[n];
        if (n == 0) return order;
        var bits = Math.Clamp(64 - (int)ulong.LeadingZeroCount((ulong)n), 1, 24);
        var shift = 64 - bits;
        var start = new int[(1 << bits) + 1];
        foreach (var fp in fps) start[(int)(fp >> shift) + 1]++;
        for (var b = 1; b < start.Length; b++) start[b] += start[b - 1];
        var fill = (int[])start.Clone();
        for (var i = 0; i < n; i++) order[fill[(int)(fps[i] >> shift)]++] = i;
        for (var b = 0; b + 1 < start.Length; b++)
            for (var i = start[b] + 1; i < start[b + 1]; i++)
            {
                var x = order[i];
                var j = i - 1;
                while (j >= start[b] && fps[order[j]] > fps[x]) { order[j + 1] = order[j]; j--; }
                order[j + 1] = x;
            }
        return order;
    }

    /// <summary>Walks parents back from (depth, fp) and replays the actions from the initial state.</summary>
    private Path<TState, TAction> Rebuild(int depth, ulong fp, List<ulong[]> levels, FingerprintSet visited, IReadOnlyList<TState> inits)
    {
        var actionIndices = new int[depth];
        var cur = fp;
        for (var d = depth; d > 0; d--)
        {
            var order = visited.Order(cur);
            var parentIndex = (int)((order >> ActionBits) & ((1L << IndexBits) - 1));
            actionIndices[d - 1] = (int)(order & ((1 << ActionBits) - 1));
            cur = levels[d - 1][parentIndex];
        }
        var initIndex = (int)visited.Order(cur);
        var states = new List<TState> { _model.Snapshot(inits[initIndex]) };
        var actions = new List<TAction>();
        var state = _model.Snapshot(inits[initIndex]);
        var list = new List<TAction>();
        foreach (var ai in actionIndices)
        {
            list.Clear();
            _model.Actions(state, list);
            var next = _model.NewScratch();
            _model.Next(state, list[ai], next);
            actions.Add(list[ai]);
            state = _model.Snapshot(next);
            states.Add(state);
        }
        return new Path<TState, TAction>(states, actions);
    }
}
