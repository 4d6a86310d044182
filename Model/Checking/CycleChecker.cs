using System.IO.Hashing;

namespace Model.Checking;

/// <summary>
/// Liveness support: a depth-first search for a reachable cycle. In a model whose runs all end (every workload here
/// terminates), a cycle is a run that goes on forever, which is how a liveness property breaks in a finite state
/// space: with no cycle, every run reaches a terminal state, where the <see cref="PropertyKind.AtEnd"/> properties
/// (every g ended or waits) are checked; so, under any fairness, every runnable g eventually runs. Colours live in a
/// dictionary of fingerprints, so this is for state spaces of a few million states.
/// </summary>
public sealed class CycleChecker<TState, TAction>(IModel<TState, TAction> model, long maxStates = 5_000_000, long seed = 0x5EED_C0DE)
    where TState : class
{
    /// <summary>A lasso: <see cref="Stem"/> leads to a state, then <see cref="Cycle"/> (from that state) comes back to it.
    /// <see cref="WeaklyFair"/>: every action enabled in all the cycle's states is taken in the cycle, so the endless
    /// run is one a weakly fair scheduler of Ms may produce (a liveness violation, not just a neglected M).</summary>
    public sealed record Lasso(Path<TState, TAction> Stem, IReadOnlyList<TAction> Cycle, bool WeaklyFair);

    /// <summary>The result: a lasso, or null with the number of states visited (and whether the search finished).</summary>
    public sealed record Result(Lasso? Found, long States, bool Exhausted);

    private sealed class Frame
    {
        public required byte[] Encoding;
        public required ulong Fp;
        public required List<TAction> Actions;
        public int Next;
    }

    public Result Run()
    {
        const byte Grey = 1, Black = 2;
        var colour = new Dictionary<ulong, byte>();
        var stack = new List<Frame>();
        var cur = model.NewScratch();
        var next = model.NewScratch();
        var buffer = new byte[1024];
        var canonical = new byte[1024];

        foreach (var init in model.InitStates())
        {
            if (Push(init) is { } found) return new Result(found, colour.Count, false);
            while (stack.Count > 0)
            {
                var top = stack[^1];
                if (top.Next == top.Actions.Count)
                {
                    colour[top.Fp] = Black;
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }
                var action = top.Actions[top.Next++];
                model.Decode(top.Encoding, cur);
                if (!model.Next(cur, action, next)) continue;
                var len = model.Encode(next, ref buffer);
                var fp = Fingerprint(next, buffer.AsSpan(0, len));
                if (colour.TryGetValue(fp, out var c))
                {
                    if (c == Grey) return new Result(MakeLasso(fp), colour.Count, false);
                    continue;
                }
                if (colour.Count >= maxStates) return new Result(null, colour.Count, false);
                if (Push(next) is { } lasso) return new Result(lasso, colour.Count, false);
            }
        }
        return new Result(null, colour.Count, true);

        Lasso? Push(TState state)
        {
            var len = model.Encode(state, ref buffer);
            var bytes = buffer.AsSpan(0, len);
            var fp = Fingerprint(state, bytes);
            if (colour.TryGetValue(fp, out var c)) return c == Grey ? MakeLasso(fp) : null;
            colour[fp] = Grey;
            var actions = new List<TAction>();
            model.Actions(state, actions);
            stack.Add(new Frame { Encoding = bytes.ToArray(), Fp = fp, Actions = actions });
            return null;
        }

        ulong Fingerprint(TState state, ReadOnlySpan<byte> encoding)
        {
            var len = model.EncodeCanonical(state, ref canonical);
            return XxHash3.HashToUInt64(len < 0 ? encoding : canonical.AsSpan(0, len), seed);
        }

        Lasso MakeLasso(ulong fp)
        {
            // The stack holds the current path; the cycle starts at the frame whose fingerprint closes it.
            var start = stack.FindIndex(f => f.Fp == fp);
            var states = new List<TState>();
            var actions = new List<TAction>();
            for (var i = 0; i <= start; i++)
            {
                var s = model.NewScratch();
                model.Decode(stack[i].Encoding, s);
                states.Add(model.Snapshot(s));
                if (i < start) actions.Add(stack[i].Actions[stack[i].Next - 1]);
            }
            var cycle = new List<TAction>();
            HashSet<TAction>? always = null;
            for (var i = start; i < stack.Count; i++)
            {
                cycle.Add(stack[i].Actions[stack[i].Next - 1]);
                if (always is null) always = [.. stack[i].Actions];
                else always.IntersectWith(stack[i].Actions);
            }
            var fair = always!.All(cycle.Contains);
            return new Lasso(new Path<TState, TAction>(states, actions), cycle, fair);
        }
    }
}
