namespace Conformance.GoSide;

/// <summary>
/// Merges the per-P event streams of a Go trace into one order consistent with every goroutine's own history. Each P's
/// stream is in the right order; across Ps, timestamps alone cannot be trusted. Each goroutine has a status (dead,
/// runnable, running, waiting, in the tracer's coarse terms) and a sequence number that the tracer bumps when another
/// P starts or readies it. An event is ready when the goroutine it concerns is in the status (and, when the event
/// carries one, at the sequence number) the event requires. Repeatedly, of the first unmerged event of every P, the
/// ready ones are candidates and the earliest by timestamp is taken. When no first event is ready, there is no
/// consistent ordering. Mirrors the ordering of internal/trace (order.go, Go 1.19).
/// </summary>
public static class GoTraceOrder
{
    private enum St : byte { Dead, Runnable, Running, Waiting }

    /// <summary>A requirement on a goroutine's state, and the state after the event. Any = no sequence requirement;
    /// Keep / Bump: the sequence after is the current one, or one more.</summary>
    private readonly record struct Rule(ulong Key, bool Ordered, ulong Seq, bool AnySeq, St From, St To, ulong NextSeq, byte NextMode);

    private const byte SeqGiven = 0, SeqKeep = 1, SeqBump = 2;
    /// <summary>The key of the GC's own sequence (GCStart events are ordered among themselves).</summary>
    private const ulong GcKey = ulong.MaxValue - 1;

    private static Rule RuleOf(GoEvent e)
    {
        switch (e.Type)
        {
            case GoEventType.GoCreate:
                return new(e.Args[0], true, 0, false, St.Dead, St.Runnable, 1, SeqGiven);
            case GoEventType.GoWaiting or GoEventType.GoInSyscall:
                return new(e.G, true, 1, false, St.Runnable, St.Waiting, 2, SeqGiven);
            case GoEventType.GoStart or GoEventType.GoStartLabel:
                return new(e.G, true, e.Args[1], false, St.Runnable, St.Running, e.Args[1] + 1, SeqGiven);
            case GoEventType.GoStartLocal:
                return new(e.G, true, 0, true, St.Runnable, St.Running, 0, SeqBump);
            case GoEventType.GoBlock or GoEventType.GoBlockSend or GoEventType.GoBlockRecv or GoEventType.GoBlockSelect
                or GoEventType.GoBlockSync or GoEventType.GoBlockCond or GoEventType.GoBlockNet or GoEventType.GoSleep
                or GoEventType.GoSysBlock or GoEventType.GoBlockGC:
                return new(e.G, true, 0, true, St.Running, St.Waiting, 0, SeqKeep);
            case GoEventType.GoSched or GoEventType.GoPreempt:
                return new(e.G, true, 0, true, St.Running, St.Runnable, 0, SeqKeep);
            case GoEventType.GoUnblock or GoEventType.GoSysExit:
                return new(e.Args[0], true, e.Args[1], false, St.Waiting, St.Runnable, e.Args[1] + 1, SeqGiven);
            case GoEventType.GoUnblockLocal or GoEventType.GoSysExitLocal:
                return new(e.Args[0], true, 0, true, St.Waiting, St.Runnable, 0, SeqBump);
            case GoEventType.GCStart:
                return new(GcKey, true, e.Args[0], false, St.Dead, St.Dead, e.Args[0] + 1, SeqGiven);
            default:
                return new(0, false, 0, true, St.Dead, St.Dead, 0, SeqKeep);
        }
    }

    /// <summary>The merged order. Throws <see cref="GoTraceException"/> "no consistent ordering of events" when the
    /// streams cannot be interleaved consistently (a corrupt or inconsistent trace).</summary>
    public static IReadOnlyList<GoEvent> Merge(IReadOnlyDictionary<int, List<GoEvent>> perP)
    {
        var streams = perP.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToArray();
        var cursor = new int[streams.Length];
        var total = streams.Sum(s => s.Count);
        var state = new Dictionary<ulong, (ulong Seq, St Status)>();
        var result = new List<GoEvent>(total);
        while (result.Count < total)
        {
            var best = -1;
            Rule bestRule = default;
            for (var i = 0; i < streams.Length; i++)
            {
                if (cursor[i] >= streams[i].Count) continue;
                var e = streams[i][cursor[i]];
                var r = RuleOf(e);
                if (r.Ordered)
                {
                    var cur = state.GetValueOrDefault(r.Key);
                    if (cur.Status != r.From || (!r.AnySeq && cur.Seq != r.Seq)) continue;
                }
                if (best < 0 || e.Ticks < streams[best][cursor[best]].Ticks)
                {
                    best = i;
                    bestRule = r;
                }
            }
            if (best < 0)
            {
                var (message, offset) = Stuck(streams, cursor, state);
                throw new GoTraceException(message, offset);
            }
            var ev = streams[best][cursor[best]++];
            if (bestRule.Ordered)
            {
                var cur = state.GetValueOrDefault(bestRule.Key);
                var seq = bestRule.NextMode switch { SeqKeep => cur.Seq, SeqBump => cur.Seq + 1, _ => bestRule.NextSeq };
                state[bestRule.Key] = (seq, bestRule.To);
            }
            ev.Index = result.Count;
            result.Add(ev);
        }
        return result;
    }

    private static (string, long) Stuck(List<GoEvent>[] streams, int[] cursor, Dictionary<ulong, (ulong Seq, St Status)> state)
    {
        var parts = new List<string>();
        long first = long.MaxValue;
        for (var i = 0; i < streams.Length; i++)
        {
            if (cursor[i] >= streams[i].Count) continue;
            var e = streams[i][cursor[i]];
            var r = RuleOf(e);
            var cur = state.GetValueOrDefault(r.Key);
            var need = r.AnySeq ? r.From.ToString().ToLowerInvariant() : $"{r.From.ToString().ToLowerInvariant()} at sequence {r.Seq}";
            parts.Add($"{e} needs g{r.Key} {need}, it is {cur.Status.ToString().ToLowerInvariant()} at sequence {cur.Seq}");
            first = Math.Min(first, e.Offset);
        }
        return ($"no consistent ordering of events: the next event of every P waits for another ({string.Join("; ", parts)})", first);
    }
}
