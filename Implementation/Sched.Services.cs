using System.Runtime.InteropServices;
using Native.Compiler;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>The service entry points emitted code reaches through systemstack (see <see cref="RuntimeServices"/>).</summary>
    internal static RuntimeServices Services { get; } = new(
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&NewProcService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&AcquireService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&ReleaseService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&EnterSyscallService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&ExitSyscallService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&ChanSendService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&ChanRecvService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&ChanCloseService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&ChanWokenService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&SelectService,
        (nint)(delegate* unmanaged<G*, nint, nint, long>)&SelectWokenService)
    {
        Sleep = (nint)(delegate* unmanaged<G*, nint, nint, long>)&SleepService,
        Io = (nint)(delegate* unmanaged<G*, nint, nint, long>)&IoService,
    };

    /// <summary>The MState of the M running g (g.m.schedPtr is its registry slot).</summary>
    private static MState MOf(G* g) => MState.FromSlot(g->M->SchedPtr);

    /// <summary>Turns an exception that escaped a service into the run's fatal error (rule 3: nothing crosses the
    /// native frames) and returns -1, which emitted code turns into mcall(Bad).</summary>
    private static long Failed(G* g, Exception e)
    {
        if (e is FatalException) return -1;
        try
        {
            MOf(g).Sched.Finish(RunOutcome.Fatal, $"fatal error: unexpected {e.GetType().Name} in a runtime service: {e.Message}");
        }
        catch
        {
            // Nothing more can be done on this stack; the -1 still ends the goroutine's run.
        }
        return -1;
    }

    /// <summary>A runtime service as <see cref="Serve{T}"/> runs it: the service itself, and which of its results let the
    /// g go on with its user code (it did not park, enter a syscall or take the slow path), where sysmon may then ask to
    /// preempt it (<see cref="OfferPreempt"/>).</summary>
    private interface IService
    {
        static abstract long Run(Sched s, MState mp, G* g, nint a0, nint a1);
        static abstract bool Resumes(long r);
    }

    /// <summary>
    /// The one body of every systemstack service: find the g's M, refuse once the run is over (-1), pass the controlled
    /// run's scheduling point, run the service, give sysmon its chance to preempt a g that goes on, and turn an exception
    /// into the run's fatal error (<see cref="Failed"/>). T is a struct, so each service gets its own compiled copy with
    /// its <c>Run</c> and <c>Resumes</c> inlined: no indirect call on these hot paths.
    /// </summary>
    private static long Serve<T>(G* g, nint a0, nint a1) where T : struct, IService
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            var r = T.Run(s, mp, g, a0, a1);
            if (s._controlled && r >= 0 && T.Resumes(r) && !s.Finished) s.OfferPreempt(mp, g);
            return r;
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(newproc): a0 = body index, a1 = the go statement's pc.</summary>
    [UnmanagedCallersOnly]
    private static long NewProcService(G* g, nint body, nint pc) => Serve<NewProcOp>(g, body, pc);

    private struct NewProcOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint body, nint pc)
        {
            s.NewProc(mp, (int)body, g, pc);
            return 0;
        }

        public static bool Resumes(long r) => true;
    }

    /// <summary>systemstack(semacquire): a0 = semaphore index. 1 = park.</summary>
    [UnmanagedCallersOnly]
    private static long AcquireService(G* g, nint sema, nint pc) => Serve<AcquireOp>(g, sema, pc);

    private struct AcquireOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint sema, nint pc) => s.SemAcquire(mp, g, (int)sema);
        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(semrelease): a0 = semaphore index.</summary>
    [UnmanagedCallersOnly]
    private static long ReleaseService(G* g, nint sema, nint pc) => Serve<ReleaseOp>(g, sema, pc);

    private struct ReleaseOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint sema, nint pc) => s.SemRelease(mp, g, (int)sema);
        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(entersyscall). The g goes into its syscall, not on with user code.</summary>
    [UnmanagedCallersOnly]
    private static long EnterSyscallService(G* g, nint unused, nint pc) => Serve<EnterSyscallOp>(g, unused, pc);

    private struct EnterSyscallOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint unused, nint pc) => s.EnterSyscall(mp, g, pc);
        public static bool Resumes(long r) => false;
    }

    /// <summary>systemstack(exitsyscall): 1 = slow path.</summary>
    [UnmanagedCallersOnly]
    private static long ExitSyscallService(G* g, nint unused, nint pc) => Serve<ExitSyscallOp>(g, unused, pc);

    private struct ExitSyscallOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint unused, nint pc) => s.ExitSyscall(mp, g);
        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(chansend): a0 = channel index, a1 = the send slot (holding the value). 1 = park.</summary>
    [UnmanagedCallersOnly]
    private static long ChanSendService(G* g, nint chan, nint slot) => Serve<ChanSendOp>(g, chan, slot);

    private struct ChanSendOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint chan, nint slot)
        {
            if ((uint)chan >= (uint)s._chans.Length) s.Fatal("chansend: bad channel index");
            var none = default(SelectNote);
            return s.ChanSend(mp, g, (int)chan, (long*)slot, block: true, ref none);
        }

        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(chanrecv): a0 = channel index, a1 = the send slot (the value lands in the word below). 1 = park.</summary>
    [UnmanagedCallersOnly]
    private static long ChanRecvService(G* g, nint chan, nint slot) => Serve<ChanRecvOp>(g, chan, slot);

    private struct ChanRecvOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint chan, nint slot)
        {
            if ((uint)chan >= (uint)s._chans.Length) s.Fatal("chanrecv: bad channel index");
            var none = default(SelectNote);
            return s.ChanRecv(mp, g, (int)chan, (long*)slot - 1, block: true, ref none);
        }

        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(closechan): a0 = channel index.</summary>
    [UnmanagedCallersOnly]
    private static long ChanCloseService(G* g, nint chan, nint unused) => Serve<ChanCloseOp>(g, chan, unused);

    private struct ChanCloseOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint chan, nint unused)
        {
            if ((uint)chan >= (uint)s._chans.Length) s.Fatal("closechan: bad channel index");
            return s.CloseChan(mp, g, (int)chan);
        }

        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(the code after chansend's/chanrecv's gopark): a0 = channel index, a1 = the send slot.</summary>
    [UnmanagedCallersOnly]
    private static long ChanWokenService(G* g, nint chan, nint slot) => Serve<ChanWokenOp>(g, chan, slot);

    private struct ChanWokenOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint chan, nint slot) => s.ChanWoken(mp, g, (int)chan, (long*)slot);
        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(selectgo): a0 = the select's number, a1 = the send slot. The case index or SelectParks.</summary>
    [UnmanagedCallersOnly]
    private static long SelectService(G* g, nint number, nint slot) => Serve<SelectOpService>(g, number, slot);

    private struct SelectOpService : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint number, nint slot) => s.Select(mp, g, (int)number, (long*)slot);
        public static bool Resumes(long r) => r != RuntimeServices.SelectParks;
    }

    /// <summary>systemstack(selectgo's pass 3): a0 = the select's number, a1 = the send slot. The case index.</summary>
    [UnmanagedCallersOnly]
    private static long SelectWokenService(G* g, nint number, nint slot) => Serve<SelectWokenOp>(g, number, slot);

    private struct SelectWokenOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint number, nint slot) => s.SelectWoken(mp, g, (int)number, (long*)slot);
        public static bool Resumes(long r) => r != RuntimeServices.SelectParks;
    }

    /// <summary>systemstack(timeSleep): a0 = microseconds. 1 = park.</summary>
    [UnmanagedCallersOnly]
    private static long SleepService(G* g, nint micros, nint pc) => Serve<SleepOp>(g, micros, pc);

    private struct SleepOp : IService
    {
        public static long Run(Sched s, MState mp, G* g, nint micros, nint pc) => s.TimeSleep(mp, g, (int)micros);
        public static bool Resumes(long r) => r != 1;
    }

    /// <summary>systemstack(the io read): a0 = microseconds (≥ 1): open, arm, netpollblock; 1 = park. a0 = 0: after
    /// the wake-up, consume the reply and close the fd; 0.</summary>
    [UnmanagedCallersOnly]
    private static long IoService(G* g, nint micros, nint pc)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            if (micros == 0) return s.IoDone(mp, g);
            s.ServicePoint(mp);
            return s.IoWait(mp, g, (int)micros);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }
}
