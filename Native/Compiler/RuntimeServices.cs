namespace Native.Compiler;

/// <summary>
/// The runtime's service entry points that emitted code reaches through systemstack: each is an
/// <c>[UnmanagedCallersOnly] long Fn(G* g, nint a0, nint a1)</c>. Results: 0 = go on; 1 = the goroutine must leave
/// through an mcall (acquire: park; exitsyscall: slow path); negative = a fatal error was recorded (the code mcalls
/// with reason Bad and C# reports it). Policy stays in the runtime: the compiler only wires the calls.
/// </summary>
/// <param name="NewProc">a0 = body index, a1 = the go statement's pc (gopc).</param>
/// <param name="Acquire">a0 = semaphore index, a1 = pc. 1 = park (the runtime holds the semaphore's lock until park_m).</param>
/// <param name="Release">a0 = semaphore index, a1 = pc.</param>
/// <param name="EnterSyscall">a0 = 0, a1 = pc.</param>
/// <param name="ExitSyscall">a0 = 0, a1 = pc. 1 = slow path: mcall(ExitSyscall).</param>
public readonly record struct RuntimeServices(nint NewProc, nint Acquire, nint Release, nint EnterSyscall, nint ExitSyscall);
