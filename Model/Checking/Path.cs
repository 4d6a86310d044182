using System.Text;

namespace Model.Checking;

/// <summary>A path from an initial state: <c>States[0]</c>, then <c>Actions[i]</c> leads to <c>States[i+1]</c>.</summary>
public sealed class Path<TState, TAction>
{
    public Path(IReadOnlyList<TState> states, IReadOnlyList<TAction> actions)
    {
        if (states.Count != actions.Count + 1) throw new ArgumentException("a path has one more state than actions");
        States = states;
        Actions = actions;
    }

    public IReadOnlyList<TState> States { get; }
    public IReadOnlyList<TAction> Actions { get; }
    public TState Last => States[^1];

    /// <summary>"Path[n]:" then the initial state, then for each step "- Action" and the lines that changed.</summary>
    public string Format(Func<TState, IReadOnlyList<string>> describe)
    {
        var sb = new StringBuilder();
        sb.Append("Path[").Append(Actions.Count).Append("]:\n");
        foreach (var line in describe(States[0])) sb.Append("    ").Append(line).Append('\n');
        for (var i = 0; i < Actions.Count; i++)
        {
            sb.Append("- ").Append(Actions[i]).Append('\n');
            var a = describe(States[i]);
            var b = describe(States[i + 1]);
            for (var j = 0; j < Math.Max(a.Count, b.Count); j++)
            {
                var x = j < a.Count ? a[j] : null;
                var y = j < b.Count ? b[j] : null;
                if (x == y) continue;
                if (x is not null) sb.Append("    - ").Append(x).Append('\n');
                if (y is not null) sb.Append("    + ").Append(y).Append('\n');
            }
        }
        return sb.ToString();
    }

    public override string ToString() => string.Join(", ", Actions);
}
