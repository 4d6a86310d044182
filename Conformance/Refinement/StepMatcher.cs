using Implementation.Trace;
using Model;

namespace Conformance.Refinement;

/// <summary>
/// Compares one model step's events with the next events one runtime M recorded. State events (a status, a queue,
/// a gobuf, a P status changing: <see cref="EventKinds.IsState"/>) must come in the model's order, one by one; the
/// execution tracer's annotations (GoSched, GoStart, GoSysCall, ...) may sit anywhere within the step, so they are
/// matched as a set. Each pair is compared field by field by <see cref="EventMatcher"/>, after the abstraction has
/// observed every event up to it (<see cref="ObserveUpTo"/>).
/// </summary>
internal sealed class StepMatcher(IReadOnlyList<TraceEvent> trace, Abstraction abstraction)
{
    private int _observedUpTo = -1;

    public Abstraction Abstraction => abstraction;

    /// <summary>Lets the abstraction observe every event up to trace index <paramref name="index"/> (GoCreate's stack
    /// bounds, say) before anything at or before it is compared. Observations are facts about the trace, not about
    /// the model's choices, so a search that backs up never needs to forget them.</summary>
    public void ObserveUpTo(int index)
    {
        index = Math.Min(index, trace.Count - 1);
        while (_observedUpTo < index) abstraction.Observe(trace[++_observedUpTo]);
    }

    /// <summary>Matches <paramref name="events"/> against the runtime events at trace indices <paramref name="pending"/>
    /// (one runtime M's unconsumed events, <see cref="TraceCursor.Pending"/>).</summary>
    public StepMatch Match(IReadOnlyList<SchedEvent> events, ReadOnlySpan<int> pending)
    {
        Span<bool> used = events.Count <= 64 ? stackalloc bool[events.Count] : new bool[events.Count];
        var nextState = 0;
        for (var j = 0; j < events.Count; j++)
        {
            if (j >= pending.Length)
            {
                var missing = FirstUnused(used, nextState, events.Count);
                return new StepMatch(false, j, $"the model's step goes on with {EventMatcher.Describe(events[missing])}, but this M recorded nothing more", int.MaxValue) { RanOut = true };
            }
            var idx = pending[j];
            ObserveUpTo(idx);
            abstraction.At = idx;
            var r = trace[idx];
            if (EventKinds.IsState(r.Kind))
            {
                while (nextState < events.Count && !EventKinds.IsState(events[nextState].Kind)) nextState++;
                if (nextState >= events.Count)
                    return new StepMatch(false, j, $"the model's step has no further state change, the runtime did {TraceFormat.Describe(r)}", idx);
                var why = EventMatcher.Compare(events[nextState], r, abstraction);
                if (why is not null) return new StepMatch(false, j, why, idx);
                used[nextState++] = true;
            }
            else
            {
                var found = -1;
                string? closest = null;
                for (var k = 0; k < events.Count; k++)
                {
                    if (used[k] || EventKinds.IsState(events[k].Kind)) continue;
                    var why = EventMatcher.Compare(events[k], r, abstraction);
                    if (why is null) { found = k; break; }
                    if (events[k].Kind == r.Kind) closest ??= why;
                }
                if (found < 0)
                    return new StepMatch(false, j, closest ?? $"the model's step has no {r.Kind} here (it does {string.Join(", ", events.Select(e => e.Kind))})", idx);
                used[found] = true;
            }
        }
        return new StepMatch(true, events.Count, null, LinearizationPoint(trace, pending[..events.Count]));
    }

    /// <summary>
    /// The rule "a step takes effect at its linearization point": its first queue operation (each queue's operations
    /// are ordered by their indices, so the runtime's order of queue events is the order the model must take the
    /// steps in); a step without one takes effect at its last event. <paramref name="stepEvents"/> are the trace
    /// indices of the step's events.
    /// </summary>
    public static int LinearizationPoint(IReadOnlyList<TraceEvent> trace, ReadOnlySpan<int> stepEvents)
    {
        foreach (var i in stepEvents)
            if (IsQueueEvent(trace[i].Kind)) return i;
        return stepEvents[^1];
    }

    /// <summary>An operation on a queue whose indices the events carry: a P's ring or runnext, the global queue, a
    /// gFree list, a semaphore's count, a channel (its buffer, its wait queues, its closing: done under the hchan's
    /// lock, so the runtime's order of a channel's events is the order they took effect).</summary>
    public static bool IsQueueEvent(EventKind k) => EventKinds.IsQueueOp(k);

    private static int FirstUnused(Span<bool> used, int from, int count)
    {
        for (var k = 0; k < count; k++) if (!used[k]) return k;
        return Math.Min(from, count - 1);
    }
}
