namespace Model.Workload;

/// <summary>
/// The rules a workload built in code (by a generator, say) must meet to be the same as one that parsed:
/// a <c>main</c> body, unique body names that are names and not ops, <c>go</c> targets that exist,
/// semaphore names that are names, and numbers in range.
/// </summary>
public static class WorkloadValidator
{
    /// <summary>Every problem found, empty when the workload is well-formed.</summary>
    public static IReadOnlyList<string> Problems(Workload workload)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var body in workload.Bodies)
        {
            if (!IsName(body.Name) || IsKeyword(body.Name)) problems.Add($"body name '{body.Name}' is not a valid name");
            if (!names.Add(body.Name)) problems.Add($"body '{body.Name}' is defined twice");
        }
        if (!names.Contains(Workload.MainBody)) problems.Add("no 'main' body");
        var chans = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in workload.Channels)
        {
            if (!IsName(c.Name) || IsKeyword(c.Name)) problems.Add($"channel name '{c.Name}' is not a valid name");
            if (!chans.Add(c.Name)) problems.Add($"channel '{c.Name}' is declared twice");
            if (c.Capacity is < 0 or > WorkloadParser.MaxChanCapacity) problems.Add($"chan {c.Name} capacity {c.Capacity} out of range");
            if (c.IsNil && c.Capacity != 0) problems.Add($"chan {c.Name} is nil but has capacity {c.Capacity}");
        }
        foreach (var body in workload.Bodies) Walk(body.Name, body.Ops);
        return problems;

        void Walk(string owner, Block block)
        {
            foreach (var op in block)
            {
                switch (op)
                {
                    case GoOp g when !names.Contains(g.Body): problems.Add($"{owner}: 'go {g.Body}' names no body"); break;
                    case AcquireOp a when !IsName(a.Sema): problems.Add($"{owner}: bad semaphore name '{a.Sema}'"); break;
                    case ReleaseOp r when !IsName(r.Sema): problems.Add($"{owner}: bad semaphore name '{r.Sema}'"); break;
                    case SyscallOp s when s.Micros is < 0 or > WorkloadParser.MaxCount: problems.Add($"{owner}: syscall {s.Micros} out of range"); break;
                    case WorkOp w when w.Iterations is < 0 or > WorkloadParser.MaxCount: problems.Add($"{owner}: work {w.Iterations} out of range"); break;
                    case SleepOp s when s.Micros is < 0 or > WorkloadParser.MaxCount: problems.Add($"{owner}: sleep {s.Micros} out of range"); break;
                    case IoOp io when io.Micros is < 1 or > WorkloadParser.MaxCount: problems.Add($"{owner}: io {io.Micros} out of range (1..{WorkloadParser.MaxCount})"); break;
                    case CallOp c:
                        if (c.FrameBytes is < 0 or > WorkloadParser.MaxFrameBytes) problems.Add($"{owner}: call {c.FrameBytes} out of range");
                        Walk(owner, c.Body);
                        break;
                    case RepeatOp r:
                        if (r.Count is < 0 or > WorkloadParser.MaxCount) problems.Add($"{owner}: repeat {r.Count} out of range");
                        Walk(owner, r.Body);
                        break;
                    case SendOp s when !chans.Contains(s.Chan): problems.Add($"{owner}: 'send {s.Chan}' names no channel"); break;
                    case RecvOp r when !chans.Contains(r.Chan): problems.Add($"{owner}: 'recv {r.Chan}' names no channel"); break;
                    case CloseOp c when !chans.Contains(c.Chan): problems.Add($"{owner}: 'close {c.Chan}' names no channel"); break;
                    case SelectOp sel:
                        var defaults = 0;
                        foreach (var op2 in sel.Cases)
                        {
                            if (op2 is not SelectCaseOp sc) { problems.Add($"{owner}: a select holds {op2.GetType().Name}, not a case"); continue; }
                            if (sc.Kind == SelectCaseKind.Default)
                            {
                                if (++defaults == 2) problems.Add($"{owner}: a select has two defaults");
                                if (sc.Chan is not null) problems.Add($"{owner}: a default case names channel '{sc.Chan}'");
                            }
                            else if (sc.Chan is null || !chans.Contains(sc.Chan)) problems.Add($"{owner}: select case '{sc.Chan}' names no channel");
                            Walk(owner, sc.Body);
                        }
                        break;
                    case SelectCaseOp: problems.Add($"{owner}: a select case outside a select"); break;
                }
            }
        }
    }

    public static bool IsWellFormed(Workload workload) => Problems(workload).Count == 0;

    /// <summary>Letters, digits, '_' and '-', starting with a letter or '_'.</summary>
    public static bool IsName(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    public static bool IsKeyword(string s) =>
        s is "go" or "yield" or "acquire" or "release" or "syscall" or "work" or "call" or "repeat" or "exit"
            or "send" or "recv" or "close" or "select" or "chan" or "default" or "nil" or "sleep" or "io";
}
