using Implementation.Trace;
using Model;

namespace Conformance.Refinement;

/// <summary>
/// Writes the checker's violations: what broke, at which event, what the model expected there, and both states
/// (the model's, and the runtime's as its trace showed it up to that event) for the report to set side by side.
/// With one P the model predicts the whole trace, so a difference is a <see cref="ViolationKind.TraceMismatch"/>;
/// with several it is an event no enabled action produces (<see cref="ViolationKind.NotEnabled"/>) or a step
/// whose values differ (<see cref="ViolationKind.StateMismatch"/>).
/// </summary>
internal sealed class ViolationBuilder(IReadOnlyList<TraceEvent> trace, StepMatcher matcher, int procs, IReadOnlyList<string> semaphores)
{
    private bool OneP => procs == 1;

    /// <summary>The merged trace is not in sequence order at <paramref name="index"/>.</summary>
    public Violation OutOfOrder(int index) => new(ViolationKind.RuntimeFault,
        $"event {index} has sequence number {trace[index].Seq}, not after {trace[index - 1].Seq}: the merged trace is out of order",
        index, trace[index], null, null, null);

    /// <summary>
    /// Nothing the model may do next produces what the runtime did. The offending event is where the closest
    /// candidate (<paramref name="closest"/>) diverged, or else the earliest event nobody explains
    /// (<paramref name="first"/>).
    /// </summary>
    public Violation NoRefinement(int first, Candidate? closest, SchedState state, IReadOnlyList<SchedAction> enabled)
    {
        var best = closest?.Match;
        var index = best is { At: < int.MaxValue } b ? b.At : first;
        var e = trace[index];
        var modelState = closest?.Next ?? state;
        var expected = closest is not null && closest.Match.Matched < closest.Events.Count
            ? $"{closest.Action}: {EventMatcher.Describe(closest.Events[closest.Match.Matched])}"
            : "one of " + string.Join(", ", enabled);

        if (e.Kind == EventKind.Status && !Transitions.IsLegal((GStatus)e.A, (GStatus)e.B))
        {
            return new Violation(ViolationKind.InvariantBroken,
                $"event {index} ({TraceFormat.Describe(e)}): {TraceFormat.GStatusName(e.A)} -> {TraceFormat.GStatusName(e.B)} is not an edge of the transition table (casgstatus: bad incoming values)",
                index, e, expected, ModelView(modelState), ObservedView(index), "every status change is a legal edge (Transitions.cs)");
        }
        ViolationKind kind;
        string message;
        if (closest is not null && best!.Value.Matched > 0 && best.Value.At < int.MaxValue && closest.Events[best.Value.Matched].Kind == e.Kind)
        {
            kind = OneP ? ViolationKind.TraceMismatch : ViolationKind.StateMismatch;
            message = $"event {index} ({TraceFormat.Describe(e)}): {best.Value.Why}";
        }
        else if (OneP)
        {
            kind = ViolationKind.TraceMismatch;
            message = $"event {index} ({TraceFormat.Describe(e)}) is not the model's next event: {best?.Why ?? "the model has nothing to do"}";
        }
        else
        {
            kind = ViolationKind.NotEnabled;
            message = $"event {index} ({TraceFormat.Describe(e)}): no enabled model action produces it; closest: {best?.Why ?? "none"}";
        }
        return new Violation(kind, message, index, e, expected, ModelView(modelState), ObservedView(index));
    }

    /// <summary>After <paramref name="action"/> (whose last runtime event is <paramref name="index"/>) the named
    /// invariants <paramref name="names"/> do not hold in <paramref name="state"/>.</summary>
    public Violation InvariantBroken(SchedAction action, int index, SchedState state, IReadOnlyList<string> names)
    {
        var at = Math.Min(index, trace.Count - 1);
        return new Violation(ViolationKind.InvariantBroken,
            $"after {action} (runtime event {index}) the model's invariant \"{string.Join("\", \"", names)}\" does not hold",
            index, trace.Count > 0 ? trace[at] : null, null, ModelView(state), ObservedView(at), names[0]);
    }

    /// <summary>The model's run has ended, but the runtime went on at <paramref name="left"/>.</summary>
    public Violation AfterModelEnd(int left, SchedState state) => new(OneP ? ViolationKind.TraceMismatch : ViolationKind.NotEnabled,
        $"event {left} ({TraceFormat.Describe(trace[left])}): the model's run has ended ({ModelEnd(state)}), but the runtime went on",
        left, trace[left], "nothing: no action is enabled", ModelView(state), ObservedView(left));

    /// <summary>Both runs ended, differently.</summary>
    public Violation OutcomeMismatch(Outcome model, Outcome runtime, SchedState state) => new(ViolationKind.OutcomeMismatch,
        $"the runs ended differently: {Outcome.Differences(model, runtime)}",
        -1, null, model.ToString(), ModelView(state), ObservedView(trace.Count - 1));

    private StateView ModelView(SchedState s) => StateViews.Model(s, semaphores);

    private StateView ObservedView(int upTo)
    {
        matcher.ObserveUpTo(upTo);
        matcher.Abstraction.At = upTo;
        return StateViews.Observed(trace, upTo, matcher.Abstraction, procs, semaphores);
    }

    private static string ModelEnd(SchedState s) => s.Outcome switch
    {
        Model.Outcome.Completed => "completed",
        Model.Outcome.Fatal => $"fatal error: {s.Fatal.Message()}",
        _ => "no enabled action",
    };
}
