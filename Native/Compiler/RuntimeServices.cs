namespace Native.Compiler;

/// <summary>
/// The runtime's service entry points that emitted code reaches through systemstack: each is an
/// <c>[UnmanagedCallersOnly] long Fn(G* g, nint a0, nint a1)</c>. Results: 0 = go on; 1 = the goroutine must leave
/// through an mcall (acquire: park; exitsyscall: slow path); negative = a fatal error was recorded (the code mcalls
/// with reason Bad and C# reports it). Policy stays in the runtime: the compiler only wires the calls.
/// <para>The channel services (docs/channels.md) take a1 = the address of the calling frame's send slot
/// (<see cref="FrameAbi.SendSlotOffset"/>; the receive slot is 8 bytes below it). Emitted code has already written the
/// value to send (<see cref="Model.Workload.ChanValues"/>) into the send slot when the op sends.</para>
/// </summary>
/// <param name="NewProc">a0 = body index, a1 = the go statement's pc (gopc).</param>
/// <param name="Acquire">a0 = semaphore index, a1 = pc. 1 = park (the runtime holds the semaphore's lock until park_m).</param>
/// <param name="Release">a0 = semaphore index, a1 = pc.</param>
/// <param name="EnterSyscall">a0 = 0, a1 = pc.</param>
/// <param name="ExitSyscall">a0 = 0, a1 = pc. 1 = slow path: mcall(ExitSyscall).</param>
/// <param name="ChanSend">chansend: a0 = channel index. 1 = park (mcall(Park), then <paramref name="ChanWoken"/>).</param>
/// <param name="ChanRecv">chanrecv: a0 = channel index. 1 = park (mcall(Park), then <paramref name="ChanWoken"/>).</param>
/// <param name="ChanClose">closechan: a0 = channel index.</param>
/// <param name="ChanWoken">the code of chansend/chanrecv after gopark returns: a0 = channel index.</param>
/// <param name="Select">selectgo: a0 = the select's number (<c>CompiledWorkload.Selects</c>). Result: the case index
/// taken (≥ 0), or <see cref="SelectParks"/> (mcall(Park), then <paramref name="SelectWoken"/>).</param>
/// <param name="SelectWoken">selectgo's pass 3: a0 = the select's number. Result: the case index.</param>
/// <param name="Sleep">timeSleep: a0 = microseconds (&gt; 0). 1 = park (mcall(Park); the timer readies the g).</param>
/// <param name="Io">an <c>io N</c> read: a0 = microseconds. 1 = park in netpollblock (mcall(Park)), then call again.</param>
public readonly record struct RuntimeServices(
    nint NewProc, nint Acquire, nint Release, nint EnterSyscall, nint ExitSyscall,
    nint ChanSend = 0, nint ChanRecv = 0, nint ChanClose = 0, nint ChanWoken = 0, nint Select = 0, nint SelectWoken = 0,
    nint Sleep = 0, nint Io = 0)
{
    /// <summary>What <see cref="Select"/> returns when the select parks (pass 2).</summary>
    public const long SelectParks = 1 << 20;
}
