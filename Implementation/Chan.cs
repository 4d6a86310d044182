using System.Runtime.InteropServices;
using Native.Layout;

namespace Implementation;

/// <summary>
/// Mirrors runtime.waitq (chan.go): a doubly linked list of sudogs, oldest first. <see cref="Len"/> is ours (Go does
/// not count): ChanEnqueue reports the length after, and stale select sudogs still count while they are linked.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WaitQ
{
    public Sudog* First;
    public Sudog* Last;
    public int Len;
}

/// <summary>
/// Mirrors runtime.hchan (chan.go) for <c>chan int64</c>: in native memory, one per non-nil channel declaration,
/// all in one block in declaration order so that their addresses (selectgo's lock order key, Go's sortkey) sort like
/// the channel indices the model uses in their place. Everything but <see cref="Index"/>, <see cref="DataQSiz"/> and
/// <see cref="Buf"/> is protected by <see cref="Lock"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HChan
{
    /// <summary>c.lock.</summary>
    public RuntimeLock Lock;
    /// <summary>Ours: the channel's index (its declaration's position), what every event reports.</summary>
    public int Index;
    /// <summary>Elements in the buffer.</summary>
    public long QCount;
    /// <summary>The buffer's capacity (make's size); 0 = unbuffered.</summary>
    public long DataQSiz;
    /// <summary>The ring of DataQSiz values. Ours: one spare slot past the end, so the ChanRecvxNotWrapped seeded bug
    /// (recvx wraps one late) reads a zero instead of another allocation's memory.</summary>
    public long* Buf;
    /// <summary>Send and receive indices into Buf.</summary>
    public long SendX, RecvX;
    /// <summary>1 once closechan ran.</summary>
    public int Closed;
    /// <summary>Waiting receivers and senders.</summary>
    public WaitQ RecvQ, SendQ;
}

/// <summary>
/// Mirrors runtime.sudog (runtime2.go): a g on a wait queue, with the stack slot its value moves through. In native
/// memory, handed out by acquireSudog from the P's cache and given back by releaseSudog (Sched.Sudog.cs).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Sudog
{
    public G* G;
    /// <summary>Links on a waitq; <see cref="Next"/> also links the central cache (sched.sudogcache), as in Go.</summary>
    public Sudog* Next, Prev;
    /// <summary>The waiting g's own stack slot: the send slot of a sender, the receive slot of a receiver. A waker
    /// writes or reads the value through it and then clears it.</summary>
    public long* Elem;
    /// <summary>The channel it waits on.</summary>
    public HChan* C;
    /// <summary>1 for a select's sudog (the waker must win g.selectDone's CAS).</summary>
    public int IsSelect;
    /// <summary>1 when woken by a send or receive, 0 when woken by closechan.</summary>
    public int Success;
    /// <summary>g.waiting's list (a select's sudogs in lock order).</summary>
    public Sudog* WaitLink;
    /// <summary>Ours: the select case it stands for (-1 for a plain send or receive), for ChanEnqueue and snapshots.</summary>
    public int CaseIndex;
    /// <summary>Ours: 0 = it waits to send (on sendq), 1 = to receive (on recvq).</summary>
    public int Dir;
}
