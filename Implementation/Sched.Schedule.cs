using Implementation.Trace;
using Native;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>
    /// Mirrors runtime.mstart1 → schedule (proc.go): the body of every M thread, on its g0 (the thread's own stack).
    /// Acquires the P it was started with, then schedules until the run is over. A fatal error unwinds to here.
    /// </summary>
    internal void MStart(MState mp)
    {
        try
        {
            if (_controlled) _control!.Enter(mp);
            if (mp.NextP != null)
            {
                AcquireP(mp, mp.NextP);
                mp.NextP = null;
            }
            if (mp.P != null) Schedule(mp);
        }
        catch (FatalException)
        {
            // Fatal recorded the message and ended the run.
        }
        catch (Exception e)
        {
            Finish(RunOutcome.Fatal, $"fatal error: unexpected {e.GetType().Name} on g0 of m{mp.Id}: {e.Message}");
        }
        finally
        {
            if (_controlled) _control!.Leave(mp);
        }
    }

    /// <summary>
    /// Mirrors runtime.schedule (proc.go): one round of scheduling finds a runnable g and executes it. Go's schedule
    /// never returns (execute gogo's away, the g mcalls back into a fresh schedule); here the round trip is a loop on
    /// g0 because C# is g0's only frame that matters. Returns when the run is over. Must run on g0 with a P.
    /// <para>
    /// The inner loop is runtime.execute (proc.go) and then the mcall functions the g comes back with: m.curg = gp,
    /// E4, schedtick++ unless inheriting the time slice, gogo through the entry stub; when the g mcalls back, the
    /// reason selects gosched_m, park_m, goexit0, exitsyscall0 or newstack. Some of those (exitsyscall0 with an idle P)
    /// execute the same g again at once, which the inner loop does. execute is written out here rather than called:
    /// the JIT sets up the entry call's P/Invoke frame once per method call, so with execute in its own method every
    /// round paid for it (a thread-local lookup) instead of once per M.
    /// </para>
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Schedule(MState mp)
    {
        var entry = _entry;
        while (!mp.Exit)
        {
            if (_controlled)
            {
                mp.Position = Snapshots.MPosition.Scheduler;
                _control!.Point(mp);
                // Back in schedule with no curg: where the model's step that ended in schedule() leaves the state.
                if (_snapshots) TakeSnapshot(mp, Snapshots.MPosition.Scheduler);
            }
            if (mp.Spinning && !RunQEmpty(mp.P)) Fatal("schedule: spinning with local work");
            var gp = FindRunnable(mp, out var inheritTime); // blocks until work is found
            if (gp == null) return;
            // This thread is going to run a goroutine and is not spinning anymore, so if it was marked as spinning
            // we need to reset it now and potentially start a new spinning M.
            if (mp.Spinning) ResetSpinning(mp);
            // execute(gp, inheritTime)
            var resumeRunning = false;
            while (gp != null)
            {
                if (resumeRunning)
                {
                    // newstack's gogo(&gp.sched): the g is still Running (E13 done), so no E4, no schedtick, no GoStart.
                    resumeRunning = false;
                    if (_tracing) Trace(mp, EventKind.GobufLoad, gp->Goid, gp->Sched.Pc, gp->Sched.Sp, gp->Sched.Bp);
                    goto gogo;
                }
                var pp = mp.P;
                mp.CurG = gp;
                gp->M = mp.M;
                CasGStatus(mp, gp, GStatus.Runnable, GStatus.Running); // E4
                // gp.preempt = false; gp.stackguard0 = gp.stack.lo + _StackGuard: a request made before is void.
#if CHECKER_MUTANTS
                if (_mutant != Mutant.ExecuteKeepsPreempt)
#endif
                {
                    gp->Preempt = 0;
                    gp->StackGuard0 = gp->StackLo + StackGuardBytes;
                }
                if (!inheritTime || _mutant == Mutant.SchedTickOnInherit)
                {
                    pp->SchedTick++;
                    pp->SliceFresh = 1;
                }
                if (_tracing) TraceExecute(mp, gp, inheritTime);
                mp.Switches++;
                if (_controlled)
                {
                    mp.Position = Snapshots.MPosition.BeforeGogo;
                    _control!.Point(mp);
                    // A probe of checked runs: nothing on these paths (here or in Go) leaves gobuf.ret nonzero, so a
                    // gogo that forgot to clear it would go unseen. Give it a value gogo must load into AX and clear
                    // (B2); the g's code ignores AX, and the snapshot after the switch back shows whether it was.
                    if (_snapshots) gp->Sched.Ret = RetProbe;
                    OfferPreempt(mp, gp);
                }
            gogo:
                var reason = (McallReason)entry(mp.M, gp);
#if CHECKER_MUTANTS
                if (_mutant is Mutant.McallSpLow or Mutant.McallSpHigh)
                    gp->Sched.Sp += _mutant == Mutant.McallSpLow ? -8 : 8; // seeded bug: mcall saved an sp 8 bytes off
                if (_shadowing && McallProbe != null) McallProbe(mp, (nint)gp, reason);
#endif
                if (_snapshots) TakeSnapshot(mp, Snapshots.MPosition.SwitchedBack);
                if (_tracing) Trace(mp, EventKind.GobufSave, gp->Goid, gp->Sched.Sp, gp->Sched.Pc, gp->Sched.Bp, (long)reason);
                // No scheduling point here: park_m still has to run the unlock function gopark left (the semaphore's,
                // the hchan's or a select's locks are still held).
                gp = reason switch
                {
                    McallReason.Gosched => GoschedM(mp, gp),
                    McallReason.Park => ParkM(mp, gp),
                    McallReason.Exit => GoExit0(mp, gp),
                    McallReason.ExitSyscall => ExitSyscall0(mp, gp),
                    McallReason.Morestack => NewStack(mp, gp, out resumeRunning),
                    _ => BadMcall(mp, gp, reason),
                };
                inheritTime = false;
            }
        }
    }

    /// <summary>execute's two trace events: GoStart, then GobufLoad just before the entry stub's gogo.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void TraceExecute(MState mp, G* gp, bool inheritTime)
    {
        Trace(mp, EventKind.GoStart, gp->Goid, inheritTime ? 1 : 0);
        Trace(mp, EventKind.GobufLoad, gp->Goid, gp->Sched.Pc, gp->Sched.Sp, gp->Sched.Bp);
    }

    /// <summary>Mirrors runtime.dropg (proc.go): m.curg = nil, g.m = nil.</summary>
    private static void DropG(MState mp, G* gp)
    {
        gp->M = null;
        mp.CurG = null;
    }

    /// <summary>Mirrors runtime.gosched_m → goschedImpl (proc.go, 1.19): E7, dropg, globrunqput, schedule.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private G* GoschedM(MState mp, G* gp)
    {
        if (_mutant == Mutant.McallWrongPc && !_wrongPcDone && Program.YieldStartOf(gp->Sched.Pc) is var start && start != 0)
        {
            // Seeded bug: record the yield's first instruction instead of its resume point, so the g yields again.
            _wrongPcDone = true;
            gp->Sched.Pc = start;
        }
#if CHECKER_MUTANTS
        if (_mutant == Mutant.GoschedPcTruncated) gp->Sched.Pc = (nint)(uint)gp->Sched.Pc; // seeded bug: the resume pc loses its high half
#endif
        return GoschedImpl(mp, gp, EventKind.GoSched);
    }

    /// <summary>Mirrors runtime.goschedImpl (proc.go, 1.19): "bad g status" unless Running, E7, dropg, globrunqput,
    /// schedule; with its caller's trace event (<paramref name="trace"/>: GoSched from gosched_m, GoPreempt from
    /// gopreempt_m).</summary>
    private G* GoschedImpl(MState mp, G* gp, EventKind trace)
    {
        if (ReadGStatus(gp) != GStatus.Running) Fatal("bad g status");
        CasGStatus(mp, gp, GStatus.Running, GStatus.Runnable); // E7
        DropG(mp, gp);
        if (_tracing) Trace(mp, trace, gp->Goid);
#if CHECKER_MUTANTS
        if (_mutant == Mutant.GoschedLocal && trace == EventKind.GoSched) RunQPut(mp, mp.P, gp, false);
        else if (_mutant == Mutant.PreemptToLocalQueue && trace == EventKind.GoPreempt) RunQPut(mp, mp.P, gp, false);
        else
#endif
        GlobRunQPutLocked(mp, gp);
        return null;
    }

    private bool _wrongPcDone;

    /// <summary>Mirrors runtime.goexit0 (proc.go, 1.19): E8, clear the g, dropg, gfput, schedule. (The run's
    /// completion is found by checkdead when the last M goes idle, from the per-M created/exited counts.)</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private G* GoExit0(MState mp, G* gp)
    {
        if (_mutant != Mutant.GfGetNotDead) CasGStatus(mp, gp, GStatus.Running, GStatus.Dead); // E8
        if (_mutant != Mutant.GoExit0KeepsM) gp->M = null;
        gp->WaitReason = 0;
        gp->WaitSema = -1;
        gp->Param = 0;
#if CHECKER_MUTANTS
        if (_mutant == Mutant.GoExit0KeepsM) mp.CurG = null; // seeded bug: dropg without its g.m = nil
        else
#endif
        DropG(mp, gp);
        if (_tracing) Trace(mp, EventKind.GoEnd, gp->Goid);
#if CHECKER_MUTANTS
        if (_mutant == Mutant.GfGetNotDead)
        {
            // Seeded bug: the g goes on the free list still Running (gfput's check skipped).
            gp->SchedLink = mp.P->GFreeHead;
            mp.P->GFreeHead = gp;
            mp.P->GFreeN++;
        }
        else if (_mutant != Mutant.GoExitSkipsGfPut)
#endif
        {
            GfPut(mp, mp.P, gp);
        }
        mp.Exited++;
        return null;
    }

    /// <summary>
    /// Mirrors runtime.newstack (stack.go, 1.19) for a g whose prologue found sp at or below stackguard0 and called
    /// morestack, which saved m.morebuf = the caller's {pc, sp, g} and g.sched = f's prologue {pc, sp, bp, ctxt}.
    /// Checks what Go checks ("wrong goroutine in newstack"; "stack split at bad time" for a g that is not Running:
    /// Go's throwsplit, set between entersyscall and exitsyscall, where no checked prologue may run; "missing stack";
    /// "split stack overflow"), clears m.morebuf as Go does, and honours a preemption request (stackguard0 was
    /// stackPreempt): when the M may not be preempted (canPreemptM) it restores the guard and resumes, gp.preempt still
    /// set as in Go; otherwise, after the stack checks, gopreempt_m. Only then does it grow: doubles the size until
    /// f's frame fits (our funcMaxSPDelta: the frame word the compiler put in front of the morestack call), E12,
    /// copystack, E13, and <paramref name="resume"/> = true: the scheduler loop gogo's back to f's prologue, which
    /// re-runs its check. Above maxstacksize, or with fixed stacks, the run ends with Go's "stack overflow" report.
    /// </summary>
    private G* NewStack(MState mp, G* gp, out bool resume)
    {
        resume = false;
        var m = mp.M;
        if ((G*)m->Morebuf.G != mp.CurG || gp != mp.CurG)
        {
            Fatal($"runtime: wrong goroutine in newstack (morebuf.g = {m->Morebuf.G:x}, m.curg = {(nint)mp.CurG:x})");
        }
        if (ReadGStatus(gp) != GStatus.Running)
        {
            gp->SyscallSp = m->Morebuf.Sp;
            gp->SyscallPc = m->Morebuf.Pc;
            Fatal("runtime: stack split at bad time");
        }
        // morebuf := thisg.m.morebuf; thisg.m.morebuf = {} (nothing keeps a pointer into the old stack).
#if CHECKER_MUTANTS
        if (_mutant == Mutant.MorebufSpHigh) m->Morebuf.Sp += 8; // seeded bug: morestack saved the sp 8 bytes high
#endif
        if (_tracing) Trace(mp, EventKind.Morebuf, gp->Goid, m->Morebuf.Sp, m->Morebuf.Pc, (G*)m->Morebuf.G == gp ? 1 : 0);
        m->Morebuf = default;
        // A call's callee is no closure: Go's prologue calls morestack_noctxt, which zeroes DX before morestack saves
        // it. Our emitted code has one morestack for every prologue, so the zero is written here, where it matters (a
        // preempted g rests with this gobuf). A body's own prologue keeps the ctxt gogo loaded, as a closure's does.
        if (Program.PointAt(gp->Sched.Pc) is not null && _mutant != Mutant.NewStackKeepsCtxt) gp->Sched.Ctxt = 0;
        var stackguard0 = Volatile.Read(ref gp->StackGuard0);
        var preempt = stackguard0 == StackCheck.StackPreempt;
        if (preempt && !CanPreemptM(mp))
        {
            // Let the goroutine keep running for now; gp.preempt stays set, so its next execute decides again.
            gp->StackGuard0 = gp->StackLo + StackGuardBytes;
            resume = true;
            return gp;
        }
        if (gp->StackLo == 0) Fatal("missing stack in newstack");
        var sp = gp->Sched.Sp - 8; // the return address of f's call (amd64)
        if (sp < gp->StackLo)
        {
            Fatal($"runtime: split stack overflow: newstack sp={sp:x} stack=[{gp->StackLo:x}, {gp->StackHi:x}]");
        }
        if (preempt)
        {
            if (mp.P == null) Fatal("runtime: g is running but p is not set");
            // Act as if the goroutine had called Gosched.
            return GoPreemptM(mp, gp);
        }
        if (_goStacks == null) StackOverflow(gp, gp->StackHi - gp->StackLo);

        // Allocate a bigger segment and move the stack.
        var oldsize = (long)(gp->StackHi - gp->StackLo);
        var newsize = oldsize * 2;
        // Make sure we grow at least as much as needed to fit the new frame: the model's rule (Stepper.NewStack), which
        // is the prologue's own check (FrameAbi.PrologueFits), so the re-run prologue passes. Go's optimisation here
        // (funcMaxSPDelta + _StackGuard) is close to it; ours must be exact, since the model predicts the sizes.
        var used = (long)(gp->StackHi - gp->Sched.Sp);
        var frame = StackCheck.FrameBytesAt(gp->Sched.Pc);
        var need = used + Math.Max(0, frame - StackCheck.StackSmall);
        while (need >= newsize - GoStacks.StackGuard) newsize *= 2;
#if CHECKER_MUTANTS
        if (_mutant == Mutant.GrowByFixed2K)
        {
            // Seeded bug: 2 KiB more (and 2 KiB steps until the frame fits) instead of doubling.
            newsize = oldsize + GoStacks.StackMin;
            while (need >= newsize - GoStacks.StackGuard) newsize += GoStacks.StackMin;
        }
#endif
        if (newsize > GoStacks.MaxStackSize) StackOverflow(gp, GoStacks.MaxStackSize);
        // The goroutine must be executing in order to call newstack, so it must be Grunning.
        CasGStatus(mp, gp, GStatus.Running, GStatus.CopyStack); // E12
        CopyStack(mp, gp, newsize);
        if (_tracing) Trace(mp, EventKind.StackGrow, gp->Goid, oldsize, newsize, gp->StackLo, gp->StackHi);
        CasGStatus(mp, gp, GStatus.CopyStack, GStatus.Running); // E13
#if CHECKER_MUTANTS
        if (_mutant == Mutant.MorestackPcPastPrologue) gp->Sched.Pc = StackCheck.PrologueEnd(gp->Sched.Pc); // seeded bug: the check is not re-run
#endif
        resume = true;
        return gp;
    }

    /// <summary>newstack's "stack overflow" throw: Go's two lines, the fatal error and the g.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void StackOverflow(G* gp, long limit)
    {
        var sp = gp->Sched.Sp;
        Finish(RunOutcome.Fatal, $"runtime: goroutine stack exceeds {limit}-byte limit\n" +
            $"runtime: sp={sp:x} stack=[{gp->StackLo:x}, {gp->StackHi:x}]\n" +
            "fatal error: stack overflow\n\n" + DescribeG(gp, "running", atMorestack: true));
        throw new FatalException("stack overflow");
    }

    /// <summary>
    /// Mirrors runtime.copystack (stack.go): allocates the new stack, copies the used part [sched.sp, hi) to the new
    /// stack's top (every offset below hi is kept), adjusts every pointer into the old stack, and frees the old stack.
    /// What points into a stack of emitted code, and is adjusted here: g.sched.sp, g.sched.bp (Go's adjustctxt),
    /// g.sched.ctxt if it did (it never does: it is a body entry), g.stktopsp, and the frame-pointer chain (each
    /// frame's saved rbp, Go's adjustframe for the frame pointer) from sched.bp up to the body's saved 0. Nothing else in
    /// a frame is a pointer (Model/Contract/FrameAbi.cs: return addresses are code, repeat counters and the channel
    /// value slots are integers), so there are no stack maps to walk; channel services get a slot's address in a
    /// register, computed afresh at each op, and a g that grows is running, so no sudog of its points into its
    /// stack (Go's adjustsudogs matters only for a parked g's stack being shrunk). m.morebuf was cleared by newstack;
    /// g.syscallsp is live only inside a syscall op, where no prologue runs.
    /// </summary>
    private void CopyStack(MState mp, G* gp, long newsize)
    {
        var oldLo = gp->StackLo;
        var oldHi = gp->StackHi;
        var used = (long)(oldHi - gp->Sched.Sp);
        gp->StackLo = gp->StackHi = 0;
        var cache = mp.P == null ? null : _stackCaches[mp.P->Id];
        _goStacks!.Allocate(cache, gp, newsize);
        var delta = gp->StackHi - oldHi;
        // copy the stack to the new location
        Buffer.MemoryCopy((void*)(oldHi - (nint)used), (void*)(gp->StackHi - (nint)used), used, used);
        gp->Sched.Sp += delta;
        if (gp->Sched.Bp >= oldLo && gp->Sched.Bp < oldHi) gp->Sched.Bp += delta;
        if (gp->Sched.Ctxt >= oldLo && gp->Sched.Ctxt < oldHi) gp->Sched.Ctxt += delta;
        if (gp->StkTopSp != 0) gp->StkTopSp += delta;
#if CHECKER_MUTANTS
        if (_mutant != Mutant.CopyStackSkipsFramePointers) // seeded bug: the saved rbps keep pointing into the old stack
#endif
        AdjustFramePointers(gp, oldLo, oldHi, delta);
        AfterCopyStack?.Invoke((nint)gp, oldLo, oldHi);
        _goStacks.Free(cache, oldLo, (long)(oldHi - oldLo));
    }

    /// <summary>Test hook: called on the M after copystack adjusted the new stack and before it frees the old one, with
    /// (g, old stack.lo, old stack.hi). Null (the default) costs one load per growth.</summary>
    internal static Action<nint, nint, nint>? AfterCopyStack;

    /// <summary>adjustframe's frame-pointer part for every frame: the chain starts at sched.bp (the caller's rbp that
    /// morestack saved) and each link is the saved rbp of the frame above, ending at the body's 0. Each link must point
    /// into the old stack, above the frame holding it (Go's adjustpointer: "invalid pointer found on stack").
    /// Returns the number of links adjusted.</summary>
    internal int AdjustFramePointers(G* gp, nint oldLo, nint oldHi, nint delta)
    {
        var n = 0;
        var fp = gp->Sched.Bp;
        while (fp != 0)
        {
            if (fp < gp->StackLo || fp >= gp->StackHi - 8)
                Fatal($"runtime: frame pointer {fp:x} outside the new stack [{gp->StackLo:x}, {gp->StackHi:x}] in copystack");
            var saved = *(nint*)fp;
            if (saved == 0) break;
            if (saved <= fp - delta || saved >= oldHi)
                Fatal($"runtime: invalid pointer found on stack: saved frame pointer {saved:x} at {fp - delta:x}, old stack [{oldLo:x}, {oldHi:x}]");
            *(nint*)fp = saved + delta;
            fp = saved + delta;
            n++;
        }
        return n;
    }

    private G* BadMcall(MState mp, G* gp, McallReason reason)
    {
        // A service callback that failed has already recorded its fatal error and returned -1, which emitted code
        // turns into mcall(Bad).
        if (Finished) throw new FatalException("run finished");
        if (reason == McallReason.BadMorestackG0) Fatal("morestack on g0");
        Fatal("runtime: mcall called on m->g0 stack");
        return null;
    }

    /// <summary>
    /// Mirrors runtime.findRunnable (proc.go, 1.19), the parts this runtime has: the 1-in-61 global check, the local
    /// queue (runnext first), a global batch, stealing (when spinning or when fewer than half the busy Ps have
    /// spinning Ms), then releasing the P with the global queue re-checked under sched.lock, dropping spinning and
    /// re-checking every run queue, and stopm. Returns null only when the run is over.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private G* FindRunnable(MState mp, out bool inheritTime)
    {
        inheritTime = false;
        while (true)
        {
            if (mp.Exit) return null;
            // Controlled mode: every round of the search is a scheduling point, so a spinning M cannot keep the
            // baton from the M it is waiting for (one woken by startm to take a handed-off P, say).
            if (_controlled)
            {
                mp.Position = Snapshots.MPosition.Scheduler;
                _control!.Point(mp);
            }
            var pp = mp.P;
            G* gp;
            // now and pollUntil are saved for work stealing later, which may steal timers.
            long now = 0;
            var pollUntil = CheckTimers(mp, pp, ref now, out _);
            // Check the global runnable queue once in a while to ensure fairness.
            if (_mutant != Mutant.No61TickCheck && pp->SchedTick % SchedConstants.GlobalRunQCheckPeriod == 0 && Volatile.Read(ref _runqSize) > 0)
            {
                _lock.Lock();
                gp = GlobRunQGet(mp, pp, 1);
                _lock.Unlock();
                if (gp != null) return gp;
            }
            // local runq
            gp = RunQGet(mp, pp, out inheritTime);
            if (gp != null) return gp;
            // global runq
            if (Volatile.Read(ref _runqSize) != 0)
            {
                _lock.Lock();
                gp = GlobRunQGet(mp, pp, 0);
                _lock.Unlock();
                if (gp != null) return gp;
            }
            // Poll network (netpoll(0)): only an optimisation before stealing; skipped with no waiters or with an M
            // blocked in netpoll already (lastpoll == 0).
            if (_netpollInited && Volatile.Read(ref _netpollWaiters) > 0 && Volatile.Read(ref _lastpoll) != 0
                && _mutant != Mutant.FindRunnableSkipsNetpoll)
            {
                var list = NetpollList(mp, 0, blockingSite: false, trace: true);
                if (list.Count > 0) return TakeNetpollList(mp, list);
            }
            // Spinning Ms: steal work from other Ps. Limit the number of spinning Ms to half the number of busy Ps.
            if (mp.Spinning || 2 * Volatile.Read(ref _nmspinning) < Procs - Volatile.Read(ref _npidle))
            {
                if (!mp.Spinning)
                {
                    mp.Spinning = true;
                    Interlocked.Increment(ref _nmspinning);
                }
                gp = StealWork(mp, pp, ref now, out inheritTime, out var w);
                if (gp != null) return gp;
                // Earlier timer to wait for.
                if (w != 0 && (pollUntil == 0 || w < pollUntil)) pollUntil = w;
            }
            // Nothing to do: release the P, re-checking the global queue under the lock.
            _lock.Lock();
            if (_runqSize != 0)
            {
                gp = GlobRunQGet(mp, pp, 0);
                _lock.Unlock();
                return gp;
            }
            ReleaseP(mp);
            PidlePut(mp, pp);
            _lock.Unlock();
            // Delicate dance: drop spinning, then re-check every run queue, so that a g readied between our checks
            // and the drop is not left without a spinning M.
            var wasSpinning = mp.Spinning;
            if (mp.Spinning)
            {
                mp.Spinning = false;
                if (Interlocked.Decrement(ref _nmspinning) < 0) Fatal("findrunnable: negative nmspinning");
                P* found = null;
                foreach (var p2 in _allp)
                {
                    if (!RunQEmpty(p2))
                    {
                        _lock.Lock();
                        found = PidleGet();
                        _lock.Unlock();
                        break;
                    }
                }
                if (found != null)
                {
                    AcquireP(mp, found);
                    mp.Spinning = true;
                    Interlocked.Increment(ref _nmspinning);
                    continue;
                }
                // Finally, check for timer creation or expiry concurrently with transitioning from spinning to
                // non-spinning.
                pollUntil = CheckTimersNoP(pollUntil);
            }
            // Poll network until next timer (Sched.Netpoll.cs): a g it found (with a P), look again, or stop.
            var polled = PollUntilNextTimer(mp, pollUntil, wasSpinning, out var netG);
            if (netG != null) return netG;
            if (polled) continue;
            StopM(mp);
            if (mp.Exit || mp.P == null) return null;
        }
    }

    /// <summary>Coprimes of the P count, for the random steal order (Go's randomOrder).</summary>
    private int[]? _coprimes;

    /// <summary>
    /// Mirrors runtime.stealWork (proc.go): 4 passes over the Ps in a random order (start and coprime stride from
    /// cheaprand), skipping pp itself; on the last pass a P's timers are run first (checkTimers(p2): the gs it readies
    /// land in this M's P, whose runqget then returns one), then its runnext may be taken; the ring of a P on
    /// sched.pidle (Go's idlepMask) is never tried. <paramref name="pollUntil"/>: the earliest timer seen not yet due.
    /// </summary>
    private G* StealWork(MState mp, P* pp, ref long now, out bool inheritTime, out long pollUntil)
    {
        inheritTime = false;
        pollUntil = 0;
        const int stealTries = 4;
        var count = Procs;
        if (count == 1) return null;
        _coprimes ??= Coprimes(count);
        for (var i = 0; i < stealTries; i++)
        {
            var stealRunNext = i == stealTries - 1;
            var r = Rand(mp);
            var pos = (int)(r % (uint)count);
            var inc = _coprimes[(int)(r / (uint)count % (uint)_coprimes.Length)];
            for (var k = 0; k < count; k++, pos = (pos + inc) % count)
            {
                if (mp.Exit) return null;
                var p2 = _allp[pos];
                if (p2 == pp) continue;
                // Steal timers from p2 (once, on the last pass, before its runnext).
                if (stealRunNext && HasTimers(p2))
                {
                    var w = CheckTimers(mp, p2, ref now, out var ran);
                    if (w != 0 && (pollUntil == 0 || w < pollUntil)) pollUntil = w;
                    if (ran)
                    {
                        var g1 = RunQGet(mp, pp, out inheritTime);
                        if (g1 != null) return g1;
                    }
                }
                if (Volatile.Read(ref p2->OnPidle) != 0) continue; // idlepMask: an idle P has nothing to steal
                var gp = RunQSteal(mp, pp, p2, stealRunNext);
                if (gp != null) return gp;
            }
        }
        return null;
    }

    private static int[] Coprimes(int n)
    {
        var list = new List<int>();
        for (var i = 1; i <= n; i++)
            if (Gcd(i, n) == 1) list.Add(i);
        return [.. list];
        static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
    }

    /// <summary>The M's random number: cheaprand when free-running, the strategy's (recorded) choice when controlled.</summary>
    private uint Rand(MState mp) => _controlled ? (uint)_control!.Choose(int.MaxValue, ChoiceKind.StealOrder, mp.Id) : mp.CheapRand();

    /// <summary>Mirrors runtime.resetspinning (proc.go).</summary>
    private void ResetSpinning(MState mp)
    {
        if (!mp.Spinning) Fatal("resetspinning: not a spinning m");
        mp.Spinning = false;
        if (Interlocked.Decrement(ref _nmspinning) < 0) Fatal("findrunnable: negative nmspinning");
        // M wakeup policy is deliberately somewhat conservative, so check if we need to wakeup another P here.
        WakeP(mp);
    }
}
