using Model;

namespace Conformance.Refinement;

/// <summary>
/// The rules that say which model steps may explain the runtime's next events, and in which order the search tries
/// them. Each rule is a method of its own, tested on its own (tests/Conformance.Tests/Refinement/StepRulesTests.cs):
/// <list type="number">
/// <item><b>Placement</b> (<see cref="Place"/>): a step of a model M is compared with the next events of the runtime M
/// bound to it; a model M not bound yet may be any runtime M not bound yet; sysmon's steps may be on any runtime M
/// (the controlled runtime has no sysmon thread: it retakes on the M whose syscall returns, and makes a preemption
/// request on the M whose g is about to resume).</item>
/// <item><b>Fit</b> (<see cref="StepMatcher"/>): a step whose events are that M's next events, field by field.</item>
/// <item><b>Linearization order</b> (<see cref="Order"/>): fitting steps are tried in the runtime order of their
/// linearization points (<see cref="StepMatcher.LinearizationPoint"/>: the first queue operation, else the last
/// event).</item>
/// <item><b>Explain more from the same point</b> (<see cref="Order"/>): of steps that fit from the same event of the
/// same M, the one that explains more events first (exitsyscall reacquiring its own P begins with the same
/// <c>PStatus … Psyscall -> Pidle</c> as sysmon's retake, and the retake alone would leave the reacquisition
/// unexplained).</item>
/// <item><b>Silent step</b> (<see cref="IsUsefulSilentStep"/>): a step with no events is invisible in the trace, so it
/// is tried only when no step with events fits, at most <see cref="RefinementChecker.MaxSilentSteps"/> in a row, and
/// never one that changes nothing (an M looking for work and finding none).</item>
/// <item><b>Teardown</b> (<see cref="IsTeardown"/>): the runtime stops recording when the run ends, while the model's
/// Ms still give their Ps back; after the last runtime event, steps whose events only release Ps are taken
/// without runtime events to match.</item>
/// </list>
/// The first alternative is the one the checker would take if it had to guess; the search (<see cref="BoundedSearch"/>)
/// comes back for the others when a later event shows the guess wrong.
/// </summary>
internal sealed class StepRules(SchedModel model, StepMatcher matcher)
{
    private readonly List<Candidate> _candidates = [];
    private readonly List<Candidate> _fitting = [];

    /// <summary>
    /// Fills <paramref name="alternatives"/> with every way to go on from <paramref name="at"/>, best first: the steps
    /// that fit, in the rules' order; when none fits, the useful silent steps; and after the trace's last event, the
    /// teardown steps. Returns the closest candidate that did not fit (most events matched, then the earliest
    /// divergence), for the report when nothing fits, or null.
    /// </summary>
    public Candidate? Alternatives(CheckPosition at, List<SchedAction> enabled, List<Candidate> alternatives)
    {
        alternatives.Clear();
        _candidates.Clear();
        _fitting.Clear();
        foreach (var a in enabled) Place(a, at.Cursor, at.Binding, _candidates);
        // By where each would start in the trace (stable: enabled order among equals).
        if (_candidates.Count > 1) StableSortByPosition(_candidates);

        Candidate? closest = null;
        for (var i = 0; i < _candidates.Count; i++)
        {
            var c = _candidates[i];
            var same = FirstWithAction(_candidates, i, c.Action);
            if (same is not null) { c.Next = same.Next; c.Events = same.Events; }
            else (c.Next, c.Events) = model.Step(at.State, c.Action);
            if (c.Silent) continue;
            c.Match = c.Slot == Candidate.NoSlot ? StepMatch.NoRuntimeM : matcher.Match(c.Events, at.Cursor.Pending(c.Slot));
            if (c.Match.Fits) _fitting.Add(c);
            else if (closest is null || c.Match.Matched > closest.Match.Matched
                     || (c.Match.Matched == closest.Match.Matched && c.Match.At < closest.Match.At))
                closest = c;
        }

        if (_fitting.Count > 0)
        {
            Order(_fitting);
            alternatives.AddRange(_fitting);
            return closest;
        }
        if (at.SilentRun < RefinementChecker.MaxSilentSteps)
            foreach (var c in _candidates)
                if (c.Silent && FirstWithAction(alternatives, alternatives.Count, c.Action) is null && IsUsefulSilentStep(c, at.State))
                    alternatives.Add(c);
        if (at.Cursor.FirstUnconsumed() < 0 && at.Teardown < RefinementChecker.MaxSilentSteps)
            foreach (var c in _candidates)
                if (IsTeardown(c.Events) && FirstWithAction(alternatives, alternatives.Count, c.Action) is null)
                    alternatives.Add(c);
        return closest;
    }

    /// <summary>Takes an alternative's step again (from <paramref name="at"/>, restored to where it was offered), as
    /// <see cref="Alternatives"/> did: the search keeps only the action and the runtime M of an alternative.</summary>
    public void Redo(Candidate c, CheckPosition at)
    {
        (c.Next, c.Events) = model.Step(at.State, c.Action);
        if (!c.Silent) c.Match = c.Slot == Candidate.NoSlot ? StepMatch.NoRuntimeM : matcher.Match(c.Events, at.Cursor.Pending(c.Slot));
    }

    /// <summary>The placement rule: the candidates for action <paramref name="a"/>, one per runtime M whose next
    /// events it could explain (see the class comment). A model M with no runtime M left gets one candidate with
    /// <see cref="Candidate.NoSlot"/>, so a report can say so.</summary>
    public static void Place(SchedAction a, TraceCursor cursor, MBinding binding, List<Candidate> into)
    {
        if (a.IsSysmon)
        {
            for (var s = 0; s < cursor.Ms; s++)
                if (cursor.Next(s) != int.MaxValue) into.Add(new Candidate(a, s, cursor.Next(s)));
            return;
        }
        var bound = binding.RuntimeOf(a.Id);
        if (bound >= 0)
        {
            into.Add(new Candidate(a, bound, cursor.Next(bound)));
            return;
        }
        var any = false;
        for (var s = 0; s < cursor.Ms; s++)
        {
            if (binding.ModelOf(s) >= 0) continue;
            into.Add(new Candidate(a, s, cursor.Next(s)));
            any = true;
        }
        if (!any) into.Add(new Candidate(a, Candidate.NoSlot, int.MaxValue));
    }

    /// <summary>
    /// The order rules for steps that fit. Steps that start at the same event of the same runtime M form a group,
    /// tried longest first (explain more from the same point); groups are tried in the order of the linearization
    /// point of their longest step; ties keep the order of where the steps start.
    /// </summary>
    public static void Order(List<Candidate> fitting)
    {
        if (fitting.Count < 2) return;
        var keyed = new (Candidate C, int GroupAt, int Index)[fitting.Count];
        for (var i = 0; i < fitting.Count; i++)
        {
            var c = fitting[i];
            var longest = c;
            foreach (var o in fitting)
                if (o.Slot == c.Slot && o.Position == c.Position && o.Events.Count > longest.Events.Count) longest = o;
            keyed[i] = (c, longest.Match.At, i);
        }
        Array.Sort(keyed, static (x, y) =>
        {
            var k = x.GroupAt.CompareTo(y.GroupAt);
            if (k == 0) k = x.C.Position.CompareTo(y.C.Position);
            if (k == 0) k = x.C.Slot.CompareTo(y.C.Slot);
            if (k == 0) k = y.C.Events.Count.CompareTo(x.C.Events.Count);
            return k != 0 ? k : x.Index.CompareTo(y.Index);
        });
        for (var i = 0; i < keyed.Length; i++) fitting[i] = keyed[i].C;
    }

    /// <summary>The silent-step rule: a step with no events that changes the model's state.</summary>
    public static bool IsUsefulSilentStep(Candidate c, SchedState before) => c.Silent && !c.Next.SameAs(before);

    /// <summary>The teardown rule: a step with events, every one of which puts a P into _Pidle.</summary>
    public static bool IsTeardown(IReadOnlyList<SchedEvent> events)
    {
        if (events.Count == 0) return false;
        foreach (var e in events)
            if (e.Kind != EventKind.PStatus || e.B != (long)PStatus.Idle) return false;
        return true;
    }

    private static Candidate? FirstWithAction(List<Candidate> list, int before, SchedAction a)
    {
        for (var i = 0; i < before; i++)
            if (list[i].Action == a) return list[i];
        return null;
    }

    private static void StableSortByPosition(List<Candidate> list)
    {
        for (var i = 1; i < list.Count; i++)
        {
            var c = list[i];
            var j = i - 1;
            while (j >= 0 && list[j].Position > c.Position)
            {
                list[j + 1] = list[j];
                j--;
            }
            list[j + 1] = c;
        }
    }
}
