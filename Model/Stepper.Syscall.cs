namespace Model;

/// <summary>System calls, Go 1.19: the P is detached into _Psyscall while the g blocks.</summary>
internal static partial class Stepper
{
    /// <summary>
    /// Mirrors runtime.reentersyscall (proc.go, 1.19): save(pc, sp), syscallsp, E9, then the P goes to _Psyscall with
    /// m.oldp set and p.m, m.p cleared. As the runtime does it (Sched.EnterSyscall, reached through systemstack):
    /// systemstack saves sp = bp = rsp + 16; save(pc, sp) sets pc = the syscall op and syscallsp = that sp (the
    /// GobufSave the runtime records here); systemstack's return clears sp and bp; back in the g's code, sched.sp =
    /// syscallsp and sched.bp = the frame's rbp are put back, so that B5 holds for the whole syscall and the gobuf is
    /// what tip's save(pc, sp, bp) leaves (1.19's save does not write bp).
    /// </summary>
    internal static void EnterSyscall(in StepContext cx, M m, G g, int ordinal)
    {
        SystemstackSave(cx, g, ordinal);
        g.Sched.Pc = AbstractPc.At(ordinal);
        g.SyscallSp = g.Sched.Sp;
        cx.Emit(EventKind.GobufSave, g.Goid, g.Sched.Sp, g.Sched.Pc.Code, g.Sched.Bp, -1);
        CasGStatus(cx, g, GStatus.Running, GStatus.Syscall, Transitions.EnterSyscall);
        cx.Emit(EventKind.GoSysCall, g.Goid);
        var p = cx.POf(m);
        p.M = 0;
        m.OldP = p.Id + 1;
        m.P = 0;
        var old = p.Status;
        p.Status = PStatus.Syscall;
        cx.EmitP(p, old, PStatus.Syscall);
        SystemstackReturn(g);
        g.Sched.Sp = g.SyscallSp;
        g.Sched.Bp = cx.Code.Bodies[g.Body].BpOffset[ordinal];
        m.Phase = MPhase.Syscall;
    }

    /// <summary>Mirrors runtime.exitsyscall (proc.go, 1.19): exitsyscallfast; on success E10 and the g runs on; else
    /// mcall(exitsyscall0) from the syscall op.</summary>
    internal static void ExitSyscall(in StepContext cx, M m)
    {
        var g = cx.GOf(m.Curg);
        var fast = ExitSyscallFast(cx, m);
        m.OldP = 0;
        if (fast)
        {
            CasGStatus(cx, g, GStatus.Syscall, GStatus.Running, Transitions.ExitSyscallFast);
            cx.Emit(EventKind.GoSysExit, g.Goid, 1);
            g.SyscallSp = 0;
            SystemstackReturn(g);
            m.Phase = MPhase.Running;
            return;
        }
        McallFrom(cx, g, g.After);
        ExitSyscall0(cx, m, g);
    }

    /// <summary>Mirrors runtime.exitsyscallfast (proc.go, 1.19): the old P if it is still in _Psyscall (CAS to _Pidle,
    /// then wirep), else any idle P. False when neither is there.</summary>
    internal static bool ExitSyscallFast(in StepContext cx, M m)
    {
        var s = cx.S;
        if (m.OldP != 0 && s.Ps[m.OldP - 1].Status == PStatus.Syscall)
        {
            var p = s.Ps[m.OldP - 1];
            p.Status = PStatus.Idle;
            cx.EmitP(p, PStatus.Syscall, PStatus.Idle);
            AcquireP(cx, m, p);
            return true;
        }
        if (s.NPidle > 0)
        {
            AcquireP(cx, m, PidleGet(cx)!);
            return true;
        }
        return false;
    }

    /// <summary>Mirrors runtime.exitsyscall0 (proc.go, 1.19), on g0 after mcall: E11, dropg; an idle P → acquire it and
    /// execute the g at once; none → the global queue's tail, then stopm.</summary>
    internal static void ExitSyscall0(in StepContext cx, M m, G g)
    {
        CasGStatus(cx, g, GStatus.Syscall, GStatus.Runnable, Transitions.ExitSyscallSlow);
        // Go clears syscallsp when the g resumes in exitsyscall; the runtime clears it here, which nothing can observe.
        g.SyscallSp = 0;
        cx.Emit(EventKind.GoSysExit, g.Goid, 0);
        DropG(m, g);
        var idle = PidleGet(cx);
        if (idle is not null)
        {
            AcquireP(cx, m, idle);
            Execute(cx, m, g, inheritTime: false);
            return;
        }
        GlobRunQPut(cx, g);
        StopM(cx, m);
    }
}
