namespace Model.Contract;

/// <summary>Go 1.19's wait reasons (runtime2.go's waitReason, same numbers) that the workload language can reach, and
/// the words Go prints for them in a deadlock's goroutine list ("goroutine 7 [chan receive]:").</summary>
public enum WaitReason : byte
{
    None = 0,
    /// <summary>waitReasonChanReceiveNilChan: a receive from a nil channel (chanrecv with c == nil).</summary>
    ChanReceiveNilChan = 3,
    /// <summary>waitReasonChanSendNilChan: a send on a nil channel.</summary>
    ChanSendNilChan = 4,
    /// <summary>waitReasonSelect: selectgo's pass 2 parked the g on every case's channel.</summary>
    Select = 9,
    /// <summary>waitReasonSelectNoCases: <c>select {}</c> (block()).</summary>
    SelectNoCases = 10,
    /// <summary>waitReasonChanReceive.</summary>
    ChanReceive = 14,
    /// <summary>waitReasonChanSend.</summary>
    ChanSend = 15,
    /// <summary>waitReasonSemacquire.</summary>
    Semacquire = 18,
    /// <summary>waitReasonSleep: time.Sleep (<see cref="TimerContract.WaitReasonSleep"/>).</summary>
    Sleep = TimerContract.WaitReasonSleep,
    /// <summary>waitReasonIOWait: netpollblock parked the g on a pollDesc (<see cref="NetpollContract.WaitReasonIOWait"/>).</summary>
    IOWait = NetpollContract.WaitReasonIOWait,
}

/// <summary>Go's words for <see cref="WaitReason"/>s.</summary>
public static class WaitReasons
{
    /// <summary>The text between the brackets of a goroutine's header in Go's traceback.</summary>
    public static string GoName(this WaitReason r) => r switch
    {
        WaitReason.ChanReceiveNilChan => "chan receive (nil chan)",
        WaitReason.ChanSendNilChan => "chan send (nil chan)",
        WaitReason.Select => "select",
        WaitReason.SelectNoCases => "select (no cases)",
        WaitReason.ChanReceive => "chan receive",
        WaitReason.ChanSend => "chan send",
        WaitReason.Semacquire => "semacquire",
        WaitReason.Sleep => "sleep",
        WaitReason.IOWait => "IO wait",
        _ => "waiting",
    };
}

/// <summary>
/// What both sides agree about channels (docs/channels.md has the whole contract): Go's panic messages, the encoding
/// of select's poll order as one number, the packed channel state some events carry, and the modes of
/// <see cref="EventKind.ChanSend"/> and <see cref="EventKind.ChanRecv"/>.
/// </summary>
public static class ChanContract
{
    /// <summary>chansend and selectgo on a closed channel: <c>panic(plainError("send on closed channel"))</c>.</summary>
    public const string SendOnClosed = "send on closed channel";
    /// <summary>closechan on a closed channel.</summary>
    public const string CloseOfClosed = "close of closed channel";
    /// <summary>closechan on a nil channel.</summary>
    public const string CloseOfNil = "close of nil channel";

    /// <summary>How Go prints an unrecovered panic of goroutine <paramref name="goid"/>: "panic: MSG" then, after a
    /// blank line, the goroutine's header (the traceback's frames follow in Go; the reports add the op and line).</summary>
    public static string PanicText(string message, long goid) => $"panic: {message}\n\ngoroutine {goid} [running]:";

    /// <summary>The most channel cases a select may have for its poll order to be one <see cref="PollOrderCount"/>
    /// choice (8! = 40,320).</summary>
    public const int MaxSelectCases = 8;

    /// <summary>n!: how many poll orders a select with n non-nil channel cases has.</summary>
    public static int PollOrderCount(int n)
    {
        var f = 1;
        for (var i = 2; i <= n; i++) f *= i;
        return f;
    }

    /// <summary>
    /// selectgo's pollorder from a code in [0, n!): Go draws <c>j = fastrandn(i + 1)</c> for the i-th channel case
    /// (i = 0, 1, ...) and does <c>pollorder[i] = pollorder[j]; pollorder[j] = case</c>; the code is the mixed-radix
    /// number Σ j_i·i!. <paramref name="cases"/> are the case indices (source order) of the non-nil channel cases in
    /// source order; <paramref name="order"/> receives the poll order (case indices).
    /// </summary>
    public static void PollOrder(int code, ReadOnlySpan<int> cases, Span<int> order)
    {
        var radix = 1;
        for (var i = 0; i < cases.Length; i++)
        {
            var j = code / radix % (i + 1);
            radix *= i + 1;
            order[i] = order[j];
            order[j] = cases[i];
        }
    }

    /// <summary>The code of a sequence of draws j_0..j_(n-1) (j_i in [0, i]), the inverse of <see cref="PollOrder"/>'s decoding.</summary>
    public static int PollOrderCode(ReadOnlySpan<int> draws)
    {
        int code = 0, radix = 1;
        for (var i = 0; i < draws.Length; i++)
        {
            code += draws[i] * radix;
            radix *= i + 1;
        }
        return code;
    }

    /// <summary>An hchan's qcount, sendx and recvx packed into one event argument: qcount | sendx &lt;&lt; 21 | recvx &lt;&lt; 42
    /// (capacities are at most 2^20).</summary>
    public static long Pack(long qcount, long sendx, long recvx) => qcount | sendx << 21 | recvx << 42;

    public static (long QCount, long SendX, long RecvX) Unpack(long packed) =>
        (packed & 0x1F_FFFF, packed >> 21 & 0x1F_FFFF, packed >> 42 & 0x1F_FFFF);

    /// <summary>How an outcome describes a g blocked on channels: "chan receive c", "select c, d",
    /// "select (no cases)". (A g blocked on a semaphore is described by the semaphore's name alone.)</summary>
    public static string BlockedOn(WaitReason reason, IEnumerable<string> channels)
    {
        var names = string.Join(", ", channels);
        return names.Length == 0 ? reason.GoName() : $"{reason.GoName()} {names}";
    }

    /// <summary>GoUnblock's C when the wake-up came from a channel (B is then the channel index); 0 = a semaphore.</summary>
    public const int UnblockByChannel = 1;
}

/// <summary><see cref="EventKind.ChanSend"/>'s C.</summary>
public enum ChanSendMode : byte
{
    /// <summary>Into the buffer at sendx (chansend's <c>qcount &lt; dataqsiz</c> branch, or select's bufsend).</summary>
    Buffered = 0,
    /// <summary>Straight onto a waiting receiver's stack (send → sendDirect), which is readied.</summary>
    Direct = 1,
}

/// <summary><see cref="EventKind.ChanRecv"/>'s C.</summary>
public enum ChanRecvMode : byte
{
    /// <summary>From the buffer at recvx (no sender waiting).</summary>
    Buffered = 0,
    /// <summary>Straight from a waiting sender's stack (recv on an unbuffered channel → recvDirect); the sender is readied.</summary>
    Direct = 1,
    /// <summary>A full buffer with a waiting sender: the head is taken and the sender's value goes in its place
    /// (recv's <c>dataqsiz != 0</c> branch: recvx++, sendx = recvx); the sender is readied.</summary>
    BufferedHandoff = 2,
    /// <summary>Closed and empty: the zero value and !ok.</summary>
    Closed = 3,
}

/// <summary><see cref="EventKind.GoStop"/>'s A: why a g parks for good (Go's block() and the nil-channel gopark calls,
/// all traced as GoStop).</summary>
public enum StopReason : byte
{
    SelectNoCases = 0,
    SendNilChan = 1,
    RecvNilChan = 2,
}
