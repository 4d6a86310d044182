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

    /// <summary>A service's result <paramref name="r"/>, after sysmon's chance to preempt the g when the service lets
    /// it go on with its user code (<see cref="OfferPreempt"/>): not when it parks (<paramref name="parks"/>), failed
    /// (-1), or ended the run.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private long GoesOn(MState mp, G* g, long r, long parks)
    {
        if (_controlled && r >= 0 && r != parks && !Finished) OfferPreempt(mp, g);
        return r;
    }

    /// <summary>systemstack(newproc): a0 = body index, a1 = the go statement's pc.</summary>
    [UnmanagedCallersOnly]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long NewProcService(G* g, nint body, nint pc)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            s.NewProc(mp, (int)body, g, pc);
            s.OfferPreempt(mp, g);
            return 0;
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(semacquire): a0 = semaphore index. 1 = park.</summary>
    [UnmanagedCallersOnly]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long AcquireService(G* g, nint sema, nint pc)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.GoesOn(mp, g, s.SemAcquire(mp, g, (int)sema), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(semrelease): a0 = semaphore index.</summary>
    [UnmanagedCallersOnly]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long ReleaseService(G* g, nint sema, nint pc)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.GoesOn(mp, g, s.SemRelease(mp, g, (int)sema), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(entersyscall).</summary>
    [UnmanagedCallersOnly]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long EnterSyscallService(G* g, nint unused, nint pc)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.EnterSyscall(mp, g, pc);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(exitsyscall): 1 = slow path.</summary>
    [UnmanagedCallersOnly]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long ExitSyscallService(G* g, nint unused, nint pc)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.GoesOn(mp, g, s.ExitSyscall(mp, g), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(chansend): a0 = channel index, a1 = the send slot (holding the value). 1 = park.</summary>
    [UnmanagedCallersOnly]
    private static long ChanSendService(G* g, nint chan, nint slot)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            if ((uint)chan >= (uint)s._chans.Length) s.Fatal("chansend: bad channel index");
            var none = default(SelectNote);
            return s.GoesOn(mp, g, s.ChanSend(mp, g, (int)chan, (long*)slot, block: true, ref none), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(chanrecv): a0 = channel index, a1 = the send slot (the value lands in the word below). 1 = park.</summary>
    [UnmanagedCallersOnly]
    private static long ChanRecvService(G* g, nint chan, nint slot)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            if ((uint)chan >= (uint)s._chans.Length) s.Fatal("chanrecv: bad channel index");
            var none = default(SelectNote);
            return s.GoesOn(mp, g, s.ChanRecv(mp, g, (int)chan, (long*)slot - 1, block: true, ref none), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(closechan): a0 = channel index.</summary>
    [UnmanagedCallersOnly]
    private static long ChanCloseService(G* g, nint chan, nint unused)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            if ((uint)chan >= (uint)s._chans.Length) s.Fatal("closechan: bad channel index");
            return s.GoesOn(mp, g, s.CloseChan(mp, g, (int)chan), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(the code after chansend's/chanrecv's gopark): a0 = channel index, a1 = the send slot.</summary>
    [UnmanagedCallersOnly]
    private static long ChanWokenService(G* g, nint chan, nint slot)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.GoesOn(mp, g, s.ChanWoken(mp, g, (int)chan, (long*)slot), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(selectgo): a0 = the select's number, a1 = the send slot. The case index or SelectParks.</summary>
    [UnmanagedCallersOnly]
    private static long SelectService(G* g, nint number, nint slot)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.GoesOn(mp, g, s.Select(mp, g, (int)number, (long*)slot), parks: RuntimeServices.SelectParks);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(selectgo's pass 3): a0 = the select's number, a1 = the send slot. The case index.</summary>
    [UnmanagedCallersOnly]
    private static long SelectWokenService(G* g, nint number, nint slot)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.GoesOn(mp, g, s.SelectWoken(mp, g, (int)number, (long*)slot), parks: RuntimeServices.SelectParks);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
    }

    /// <summary>systemstack(timeSleep): a0 = microseconds. 1 = park.</summary>
    [UnmanagedCallersOnly]
    private static long SleepService(G* g, nint micros, nint pc)
    {
        try
        {
            var mp = MOf(g);
            var s = mp.Sched;
            if (s.Finished) return -1;
            s.ServicePoint(mp);
            return s.GoesOn(mp, g, s.TimeSleep(mp, g, (int)micros), parks: 1);
        }
        catch (Exception e)
        {
            return Failed(g, e);
        }
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
