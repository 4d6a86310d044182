using Implementation.Trace;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>
    /// Mirrors runtime.reentersyscall (proc.go, 1.19), run through systemstack: syscallsp/pc = what systemstack just
    /// saved in g.sched (B5), E9, then the P is detached into Psyscall and remembered in m.oldp. The M keeps no P while
    /// the g blocks; sysmon may retake the P.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal long EnterSyscall(MState mp, G* gp, nint callerpc)
    {
        // save(pc, sp): Go re-saves the caller's pc after the systemstack switch (B5: sched.pc == syscallpc), so the
        // saved pc names the syscall op, not systemstack's own return point. The sp stays the one systemstack saved
        // (inside the g's stack); systemstack's return uses only sp, so the pc written here is never jumped to.
        gp->Sched.Pc = callerpc;
        gp->SyscallSp = gp->Sched.Sp;
        gp->SyscallPc = callerpc;
        if (_tracing) Trace(mp, EventKind.GobufSave, gp->Goid, gp->Sched.Sp, gp->Sched.Pc, gp->Sched.Bp, -1);
        CasGStatus(mp, gp, GStatus.Running, GStatus.Syscall); // E9
        mp.Syscalls++;
        if (_tracing) Trace(mp, EventKind.GoSysCall, gp->Goid);
        var pp = mp.P;
        mp.SyscallTick = pp->SysCallTick;
        if (_tracing) TracePStatus(mp, pp, PStatus.Running, PStatus.Syscall);
        pp->M = null;
        mp.OldP = pp;
        mp.M->OldP = (nint)pp;
        mp.P = null;
        mp.M->P = 0;
        Volatile.Write(ref pp->Status, (int)PStatus.Syscall);
        return 0;
    }

    /// <summary>
    /// Mirrors runtime.exitsyscall (proc.go, 1.19) up to its slow path: exitsyscallfast reacquires the old P (CAS
    /// Psyscall → Pidle, then wirep) or any idle P; on success E10 and 0 (the g goes on running). Otherwise 1: the
    /// emitted code mcalls with reason ExitSyscall and <see cref="ExitSyscall0"/> runs on g0. In controlled mode the
    /// strategy may decide that the P was lost while the g blocked: the P is retaken as sysmon would, and the exit then
    /// proceeds as Go's does (an idle P is still taken on the fast path).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    internal long ExitSyscall(MState mp, G* gp)
    {
        // Go's exitsyscall runs on the g's own stack and leaves g.sched as reentersyscall saved it; ours came here
        // through systemstack, which saved systemstack_switch as the pc. Put the syscall's pc back (the emitted code
        // puts back sp and bp on the slow path, where the g is still in _Gsyscall when it mcalls: B5).
        gp->Sched.Pc = gp->SyscallPc;
        var oldp = mp.OldP;
        mp.OldP = null;
        mp.M->OldP = 0;
        if (_controlled && _control!.Choose(2, ChoiceKind.SyscallSlowPath, mp.Id) == 1)
        {
            // The strategy says the P was lost while we blocked: do what sysmon's retake would have done.
            if (oldp != null && Interlocked.CompareExchange(ref oldp->Status, (int)PStatus.Idle, (int)PStatus.Syscall) == (int)PStatus.Syscall)
            {
                oldp->SysCallTick++;
                if (_tracing) TracePStatus(mp, oldp, PStatus.Syscall, PStatus.Idle);
                HandOffP(mp, oldp);
            }
            // Then exit as Go does after a retake: exitsyscallfast finds oldp gone and tries any idle P
            // (exitsyscallfast_pidle), often the very P just retaken; only without one is the slow path taken.
        }
        if (ExitSyscallFast(mp, oldp))
        {
            mp.P->SysCallTick++;
            if (_mutant != Mutant.ExitSyscallSkipsStatus) CasGStatus(mp, gp, GStatus.Syscall, GStatus.Running); // E10
            gp->SyscallSp = 0;
            if (_tracing) Trace(mp, EventKind.GoSysExit, gp->Goid, 1);
            return 0;
        }
        return 1;
    }

    /// <summary>Mirrors runtime.exitsyscallfast (proc.go, 1.19): the old P if it is still in Psyscall, else an idle P.</summary>
    private bool ExitSyscallFast(MState mp, P* oldp)
    {
        // Try to re-acquire the last P.
        if (oldp != null && Volatile.Read(ref oldp->Status) == (int)PStatus.Syscall &&
            Interlocked.CompareExchange(ref oldp->Status, (int)PStatus.Idle, (int)PStatus.Syscall) == (int)PStatus.Syscall)
        {
            if (_tracing) TracePStatus(mp, oldp, PStatus.Syscall, PStatus.Idle);
            AcquireP(mp, oldp); // wirep
            return true;
        }
        // Try to get any other idle P.
        if (Volatile.Read(ref _npidle) > 0)
        {
            _lock.Lock();
            var pp = PidleGet();
            _lock.Unlock();
            if (pp != null)
            {
                AcquireP(mp, pp);
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Mirrors runtime.exitsyscall0 (proc.go, 1.19), on g0 after mcall: E11, dropg; an idle P → acquire it and
    /// execute the g at once; none → the global queue's tail, then stopm.
    /// </summary>
    private G* ExitSyscall0(MState mp, G* gp)
    {
        Interlocked.Increment(ref _syscallSlow);
        CasGStatus(mp, gp, GStatus.Syscall, GStatus.Runnable); // E11
        gp->SyscallSp = 0;
        if (_tracing) Trace(mp, EventKind.GoSysExit, gp->Goid, 0);
        DropG(mp, gp);
        _lock.Lock();
        var pp = PidleGet();
        if (pp == null)
        {
            GlobRunQPut(gp);
            if (_tracing) Trace(mp, EventKind.GlobRunqPut, gp->Goid, _runqSize);
        }
        _lock.Unlock();
        if (pp != null)
        {
            AcquireP(mp, pp);
            return gp; // execute(gp, false)
        }
        StopM(mp);
        return null;
    }
}
