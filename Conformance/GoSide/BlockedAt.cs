using Model.Contract;

namespace Conformance.GoSide;

/// <summary>What a goroutine ended blocked on, in Go's words: its wait reason (as Go's deadlock dump prints it) and
/// what it waits on: a semaphore's name, or the channels of the op it waits at (a select: its non-nil channel cases),
/// in declaration order. Both sides are described this way and compared for equality.</summary>
public sealed record BlockedAt(WaitReason Reason, string On)
{
    public static BlockedAt Semaphore(string name) => new(WaitReason.Semacquire, name);

    public static BlockedAt Channels(WaitReason reason, Model.Workload.Workload w, IEnumerable<int> channels) =>
        new(reason, string.Join(", ", channels.Where(c => c >= 0).Distinct().Order().Select(c => w.Channels[c].Name)));

    /// <summary>The contract's own description (<see cref="ChanContract.BlockedOn"/>; a semaphore by its name alone).</summary>
    public string Contract => Reason == WaitReason.Semacquire ? On : ChanContract.BlockedOn(Reason, On.Length == 0 ? [] : On.Split(", "));

    /// <summary>"[semacquire] on never", "[chan receive] on c", "[select (no cases)]".</summary>
    public override string ToString() => $"[{Reason.GoName()}]" + (On.Length > 0 ? $" on {On}" : "");
}
