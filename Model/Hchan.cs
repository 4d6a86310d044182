using Model.Workload;

namespace Model;

/// <summary>
/// One sudog on a channel's wait queue (runtime2.go's sudog, reduced to what the model needs): the waiting g's slot,
/// the select case it stands for (-1 for a plain send or receive: isSelect is false exactly then, as a select that Go's
/// compiler rewrote into a plain op queues a plain sudog), and for a send the value it sends (what its elem, the
/// sender's send slot, holds).
/// </summary>
public readonly record struct Sudog(int G, int Case, long Value = 0)
{
    /// <summary>sudog.isSelect.</summary>
    public bool IsSelect => Case >= 0;

    public override string ToString() =>
        $"{G}" + (IsSelect ? $"(case {Case})" : "") + (Value != 0 ? $"={Hchan.V(Value)}" : "");
}

/// <summary>
/// A channel of the model (chan.go's hchan): dataqsiz, closed, the buffer ring with sendx, recvx and qcount, and the
/// recvq and sendq of sudogs in FIFO order (head first). Channel i is the workload's i-th declaration; a nil channel
/// has a record too (it never changes). <see cref="Ledger"/> is not Go's: it is the model's own record of the values
/// whose send has completed on this channel and that no receive has taken yet, oldest first, kept apart from the ring
/// so that invariant C5 (<c>FifoValues</c>) can compare the two.
/// </summary>
public sealed class Hchan
{
    internal Hchan(int index, int capacity, bool isNil)
    {
        Index = index;
        Capacity = capacity;
        IsNil = isNil;
        Buf = new long[capacity];
    }

    /// <summary>The channel's index (its declaration's position).</summary>
    public int Index { get; }
    /// <summary>dataqsiz: the buffer's size, 0 for an unbuffered (or nil) channel.</summary>
    public int Capacity { get; }
    /// <summary>Declared <c>chan NAME nil</c>: send and receive park for good, close panics.</summary>
    public bool IsNil { get; }
    /// <summary>hchan.closed.</summary>
    public bool Closed { get; internal set; }
    /// <summary>hchan.sendx: the ring index the next buffered send writes.</summary>
    public int SendX { get; internal set; }
    /// <summary>hchan.recvx: the ring index the next buffered receive reads.</summary>
    public int RecvX { get; internal set; }
    /// <summary>hchan.qcount: values in the buffer.</summary>
    public int QCount { get; internal set; }
    /// <summary>The buffer ring (values; 0 = cleared, as typedmemclr leaves a slot a receive has taken).</summary>
    internal readonly long[] Buf;
    /// <summary>hchan.recvq: waiting receivers, head first.</summary>
    internal readonly List<Sudog> RecvQ = [];
    /// <summary>hchan.sendq: waiting senders, head first.</summary>
    internal readonly List<Sudog> SendQ = [];
    /// <summary>The values sent and not yet received, oldest first (the model's ledger for C5; not Go's).</summary>
    internal readonly List<long> Ledger = [];
    /// <summary>Set when a receive took a value that was not the ledger's oldest (C5 then fails in every later state).</summary>
    public bool FifoBroken { get; internal set; }

    public IReadOnlyList<long> Buffer => Buf;
    public IReadOnlyList<Sudog> Receivers => RecvQ;
    public IReadOnlyList<Sudog> Senders => SendQ;
    public IReadOnlyList<long> Unreceived => Ledger;

    /// <summary>The buffered values in ring order, from recvx.</summary>
    public IEnumerable<long> Queued()
    {
        for (var i = 0; i < QCount; i++) yield return Buf[(RecvX + i) % Capacity];
    }

    /// <summary>qcount, sendx and recvx as <see cref="Contract.ChanContract.Pack"/> packs them for events.</summary>
    public long Packed => Contract.ChanContract.Pack(QCount, SendX, RecvX);

    internal void CopyFrom(Hchan o)
    {
        Closed = o.Closed; SendX = o.SendX; RecvX = o.RecvX; QCount = o.QCount; FifoBroken = o.FifoBroken;
        Array.Copy(o.Buf, Buf, Buf.Length);
        RecvQ.Clear(); RecvQ.AddRange(o.RecvQ);
        SendQ.Clear(); SendQ.AddRange(o.SendQ);
        Ledger.Clear(); Ledger.AddRange(o.Ledger);
    }

    public override string ToString() =>
        $"chan{Index}" + (IsNil ? " nil" : $" cap={Capacity}" + (Closed ? " closed" : "") +
        $" qcount={QCount} sendx={SendX} recvx={RecvX} buf=[{string.Join(",", Buf.Select(V))}]" +
        $" recvq=[{string.Join(",", RecvQ)}] sendq=[{string.Join(",", SendQ)}] ledger=[{string.Join(",", Ledger.Select(V))}]" +
        (FifoBroken ? " FIFO-BROKEN" : ""));

    /// <summary>A value for a state line: 0, or g7#2.</summary>
    internal static string V(long v) => v == 0 ? "0" : ChanValues.Describe(v);
}
