namespace Conformance.GoSide;

/// <summary>
/// One decoded event of a Go trace. <see cref="G"/> is the goroutine the event is about: the one running on the P for
/// most events, the argument for GoSysExit, GoWaiting and GoInSyscall. <see cref="Args"/> are the arguments after the
/// timestamp, without the stack id. <see cref="Type"/> is as in the file; <see cref="Kind"/> folds the "Local"
/// variants (which exist only to help ordering) into their plain forms.
/// </summary>
public sealed class GoEvent
{
    public required long Offset { get; init; }
    public required GoEventType Type { get; init; }
    public required int P { get; init; }
    public required ulong G { get; init; }
    public required long Ticks { get; init; }
    public required ulong[] Args { get; init; }
    public ulong StackId { get; init; }
    public string? Text { get; init; }
    /// <summary>Position in the merged order (set by the orderer).</summary>
    public int Index { get; internal set; }
    /// <summary>Position inside its P's batches (file order for that P).</summary>
    internal int BatchOrder { get; init; }

    public GoEventType Kind => Type switch
    {
        GoEventType.GoStartLocal or GoEventType.GoStartLabel => GoEventType.GoStart,
        GoEventType.GoUnblockLocal => GoEventType.GoUnblock,
        GoEventType.GoSysExitLocal => GoEventType.GoSysExit,
        _ => Type,
    };

    /// <summary>The goroutine another goroutine's event is about: the new one (GoCreate), the readied one (GoUnblock).</summary>
    public ulong Target => Kind is GoEventType.GoCreate or GoEventType.GoUnblock ? Args[0] : G;

    public ulong Arg(int i) => i < Args.Length ? Args[i] : 0;

    public override string ToString()
    {
        var p = P < 0 ? "-" : P.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var args = Kind switch
        {
            GoEventType.GoCreate => $" new g{Args[0]}",
            GoEventType.GoStart => $" g{Args[0]}",
            GoEventType.GoUnblock => $" g{Args[0]}",
            GoEventType.GoSysExit or GoEventType.GoWaiting or GoEventType.GoInSyscall => $" g{Args[0]}",
            GoEventType.ProcStart => $" thread {Args[0]}",
            GoEventType.UserLog => $" {Text}",
            _ => "",
        };
        return $"{Type}{args} (g{G} p{p}, offset {Offset})";
    }
}
