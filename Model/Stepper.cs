using Model.Workload;

namespace Model;

/// <summary>
/// The scheduler's functions, run on one state at a time. One Stepper per thread; <see cref="Apply"/> binds it to
/// a state and an event sink for one step. Each method mirrors the Go function it names (proc.go, Go 1.19) and
/// states where the model simplifies.
/// </summary>
internal sealed class Stepper
{
    private readonly SchedConfig _cfg;
    private readonly CompiledWorkload _code;
    private SchedState _s = null!;
    private List<SchedEvent>? _events;
    /// <summary>The M taking the step (-1: sysmon).</summary>
    private int _m;

    public Stepper(SchedConfig cfg, CompiledWorkload code)
    {
        _cfg = cfg;
        _code = code;
    }

    /// <summary>Binds the stepper to a state for direct calls of its functions (tests): M <paramref name="m"/> steps.</summary>
    internal void Bind(SchedState s, List<SchedEvent>? events, int m)
    {
        _s = s;
        _events = events;
        _m = m;
    }

    /// <summary>Performs <paramref name="a"/> on <paramref name="s"/> in place, appending events if a sink is given.</summary>
    public void Apply(SchedState s, SchedAction a, List<SchedEvent>? events)
    {
        _s = s;
        _events = events;
        _m = a.Kind == SchedActionKind.Retake ? -1 : a.Id;
        try
        {
            switch (a.Kind)
            {
                case SchedActionKind.Run: Run(s.Ms[a.Id]); break;
                case SchedActionKind.Schedule: Schedule(s.Ms[a.Id], -1); break;
                case SchedActionKind.Steal: Schedule(s.Ms[a.Id], a.Victim); break;
                case SchedActionKind.ExitSyscall: ExitSyscall(s.Ms[a.Id]); break;
                case SchedActionKind.Retake: Retake(s.Ps[a.Id]); break;
            }
        }
        catch (ModelThrowException e)
        {
            s.Outcome = Outcome.Fatal;
            s.Fatal = e.What;
        }
        finally
        {
            _s = null!;
            _events = null;
        }
    }

    // ---- events ----

    internal void Emit(EventKind kind, long g, long a = 0, long b = 0, long c = 0, long d = 0)
    {
        if (_events is null) return;
        var p = _m >= 0 ? _s.Ms[_m].P - 1 : -1;
        _events.Add(new SchedEvent(kind, _m, p, g, a, b, c, d));
    }

    internal void EmitP(P p, PStatus from, PStatus to)
    {
        if (_events is null) return;
        _events.Add(new SchedEvent(EventKind.PStatus, _m, p.Id, 0, (long)from, (long)to));
    }

    internal G GOf(int slotPlusOne) => _s.AllGs[slotPlusOne - 1];
    private long GoidOf(int slotPlusOne) => slotPlusOne == 0 ? 0 : _s.AllGs[slotPlusOne - 1].Goid;
    private P POf(M m) => _s.Ps[m.P - 1];

    // ---- status choke point ----

    /// <summary>Mirrors runtime.casgstatus (proc.go), plus the edge check Go leaves to its callers: the edge must be
    /// in <see cref="Transitions"/>. Throws "casgstatus: bad incoming values".</summary>
    internal void CasGStatus(G g, GStatus from, GStatus to, int edge)
    {
        if (((uint)from & (uint)GStatus.Scan) != 0 || ((uint)to & (uint)GStatus.Scan) != 0 || from == to || g.Status != from
            || !Transitions.IsLegal(from, to))
            throw new ModelThrowException(Throw.BadCasgstatus);
        g.Status = to;
        Emit(EventKind.Status, g.Goid, (long)from, (long)to, edge);
    }

    // ---- gobuf writers (reference §3.2) ----

    /// <summary>Frame level of the op at <paramref name="ordinal"/> of <paramref name="g"/>'s body.</summary>
    internal byte Level(G g, int ordinal) => (byte)(2 + _code.Bodies[g.Body].CallDepth[ordinal]);

    /// <summary>mcall (asm_amd64.s): saves the caller's sp, pc and bp into g.sched; never touches g or ctxt.</summary>
    internal void McallSave(G g, byte level, AbstractPc pc, byte? bp = null)
    {
        var b = bp ?? level;
        g.Sched.Sp = level;
        g.Sched.Pc = pc;
        g.Sched.Bp = b;
        Emit(EventKind.GobufSave, g.Goid, level, pc.Code, b);
    }

    /// <summary>systemstack's switch (gosave_systemstack_switch): sp, pc = systemstack_switch, bp; ctxt must be 0.</summary>
    internal void SystemstackSave(G g, int ordinal)
    {
        var level = Level(g, ordinal);
        g.Sched.Sp = level;
        g.Sched.Pc = AbstractPc.SystemstackSwitch;
        g.Sched.Bp = level;
        // No GobufSave event: the runtime traces only what mcall, morestack and entersyscall save.
    }

    /// <summary>systemstack's return: sp (and, as the native stub and tip do, bp) cleared; pc stays stale.</summary>
    internal static void SystemstackReturn(G g)
    {
        g.Sched.Sp = 0;
        g.Sched.Bp = 0;
    }

    /// <summary>Mirrors runtime.gogo (asm_amd64.s): jumps to sched.pc and clears sp, ctxt, ret and bp.</summary>
    internal void Gogo(G g)
    {
        Emit(EventKind.GobufLoad, g.Goid, g.Sched.Pc.Code);
        g.Sched.Sp = 0;
        g.Sched.Ctxt = false;
        g.Sched.Bp = 0;
    }

    // ---- user code ----

    /// <summary>Runs M's curg from where it resumes through its next op that enters the runtime. For M0 at boot:
    /// rt0_go's newproc(runtime.main), then schedule.</summary>
    internal void Run(M m)
    {
        if (m.Phase == MPhase.Boot)
        {
            // rt0_go → schedinit → procresize: M0 acquires P0; then newproc(runtime.main).
            var p0 = _s.Ps[m.NextP - 1];
            m.NextP = 0;
            AcquireP(m, p0);
            NewProc(null, _code.MainBody, -1);
            m.Phase = MPhase.Schedule;
            return;
        }
        var g = GOf(m.Curg);
        // runtime.main sets mainStarted before anything else runs on the main goroutine.
        _s.MainStarted = true;
        var code = _code.Bodies[g.Body];
        int n, e;
        if (g.After < 0) { n = 0; e = -1; }
        else { n = code.End[g.After]; e = code.Parent[g.After]; }
        while (true)
        {
            var blockEnd = e < 0 ? code.Count : code.End[e];
            if (n == blockEnd)
            {
                if (e < 0) { GoExit1(m, g, -1); return; }
                if (code.Ops[e] is RepeatOp)
                {
                    var slot = code.RepDepth[e];
                    if (--g.Counters[slot] > 0) { n = e + 1; continue; }
                    g.Counters[slot] = 0;
                }
                n = code.End[e];
                e = code.Parent[e];
                continue;
            }
            if (!code.Sched[n])
            {
                RunPure(g, code, n);
                n = code.End[n];
                continue;
            }
            switch (code.Ops[n])
            {
                case RepeatOp r:
                    if (r.Count == 0) { n = code.End[n]; continue; }
                    g.Counters[code.RepDepth[n]] = r.Count;
                    e = n;
                    n++;
                    continue;
                case CallOp:
                    CheckStack(g, code, n);
                    e = n;
                    n++;
                    continue;
                case GoOp:
                    g.After = n;
                    NewProc(g, code.Target[n], n);
                    return;
                case YieldOp:
                    g.After = n;
                    GoschedM(m, g, n);
                    return;
                case AcquireOp:
                    g.After = n;
                    SemAcquire(m, g, n, code.Sema[n]);
                    return;
                case ReleaseOp:
                    g.After = n;
                    SemRelease(m, g, n, code.Sema[n]);
                    return;
                case SyscallOp:
                    g.After = n;
                    EnterSyscall(m, g, n);
                    return;
                case ExitOp:
                    g.After = n;
                    GoExit1(m, g, n);
                    return;
            }
        }
    }

    /// <summary>An op whose subtree never enters the scheduler: only the stack checks of its calls matter, and a
    /// repeat's later iterations check nothing new (the stack only grows).</summary>
    internal void RunPure(G g, CompiledWorkload.BodyCode code, int n)
    {
        switch (code.Ops[n])
        {
            case CallOp:
                CheckStack(g, code, n);
                for (var c = n + 1; c < code.End[n]; c = code.End[c]) RunPure(g, code, c);
                break;
            case RepeatOp r when r.Count > 0:
                for (var c = n + 1; c < code.End[n]; c = code.End[c]) RunPure(g, code, c);
                break;
        }
    }

    /// <summary>The prologue's stack check of a <c>call</c>, then morestack → newstack (E12, copystack, E13, gogo)
    /// when the frame does not fit. Mirrors runtime.newstack (stack.go): the size doubles until the frame fits, and
    /// above maxstacksize it throws "stack overflow" before touching the status.</summary>
    internal void CheckStack(G g, CompiledWorkload.BodyCode code, int n)
    {
        var call = (CallOp)code.Ops[n];
        var need = code.Used[n] + call.FrameBytes + CompiledWorkload.CallOverheadBytes;
        if (need <= g.StackSize - _cfg.StackGuardBytes) return;
        // morestack: the callee's prologue saves sp, pc and bp; morestack_noctxt leaves ctxt 0.
        McallSave(g, Level(g, n), AbstractPc.At(n));
        if (!_cfg.GrowStacks) throw new ModelThrowException(Throw.StackOverflow);
        var newSize = g.StackSize * 2;
        while (need > newSize - _cfg.StackGuardBytes) newSize *= 2;
        if (newSize > _cfg.MaxStackBytes) throw new ModelThrowException(Throw.StackOverflow);
        CasGStatus(g, GStatus.Running, GStatus.CopyStack, Transitions.NewStackEnter);
        g.StackSize = newSize;
        CasGStatus(g, GStatus.CopyStack, GStatus.Running, Transitions.NewStackLeave);
        Gogo(g);
    }

    // ---- newproc ----

    /// <summary>Mirrors runtime.newproc (proc.go): on the system stack, newproc1, runqput(pp, newg, next=true), and
    /// wakep if mainStarted. <paramref name="parent"/> is null for rt0_go's newproc of main.</summary>
    internal void NewProc(G? parent, int body, int ordinal)
    {
        var m = _s.Ms[_m];
        var p = POf(m);
        if (parent is not null) SystemstackSave(parent, ordinal);
        var newg = NewProc1(body, parent, p);
        RunQPut(p, newg, next: true);
        if (_s.MainStarted) WakeP();
        if (parent is not null) SystemstackReturn(parent);
    }

    /// <summary>Mirrors runtime.newproc1 (proc.go, 1.19 order): gfget or malg (E1) + E2; a fresh gobuf (sp = top,
    /// pc = goexit+1, g, then gostartcallfn: pc = entry, ctxt = fn); E3; then the goid from the P's cache.</summary>
    internal G NewProc1(int body, G? parent, P p)
    {
        var newg = GfGet(p);
        if (newg is null)
        {
            newg = new G(_s.AllGs.Count, _s.RepeatDepth) { Status = GStatus.Idle, StackSize = _cfg.StackBytes };
            CasGStatus(newg, GStatus.Idle, GStatus.Dead, Transitions.NewProcFresh);
            _s.AllGs.Add(newg); // allgadd, published while dead
        }
        if (newg.Status != GStatus.Dead) throw new ModelThrowException(Throw.NewprocNotDead);
        newg.Sched = default;
        newg.Sched.Sp = 1;
        newg.Sched.Pc = AbstractPc.GoExit;
        newg.Sched.G = newg.Slot + 1;
        newg.Sched.Pc = AbstractPc.Entry; // gostartcallfn: pushes goexit+1, pc = fn.fn
        newg.Sched.Ctxt = true;
        newg.Body = body;
        newg.After = -1;
        Array.Clear(newg.Counters);
        if (p.GoidCache == p.GoidCacheEnd)
        {
            // _GoidCacheBatch = 16: goidcache = goidgen += 16, minus 15.
            _s.GoidGen += 16;
            p.GoidCache = _s.GoidGen - 15;
            p.GoidCacheEnd = p.GoidCache + 16;
        }
        // Δtip order, shared with the native runtime: the goid is assigned before E3, so E3's event names it.
        newg.Goid = p.GoidCache++;
        CasGStatus(newg, GStatus.Dead, GStatus.Runnable, Transitions.NewProc);
        Emit(EventKind.GoCreate, parent?.Goid ?? 0, newg.Goid, body, newg.StackSize);
        return newg;
    }

    // ---- run queues (reference §5) ----

    /// <summary>Mirrors runtime.runqput (proc.go). With next, gp goes to runnext and the evicted runnext to the tail;
    /// a full ring spills half to the global queue (runqputslow).</summary>
    internal void RunQPut(P p, G gp, bool next)
    {
        if (next)
        {
            var old = p.RunNext;
            p.RunNext = gp.Slot + 1;
            Emit(EventKind.RunnextPut, gp.Goid, GoidOf(old));
            if (old == 0 || _cfg.Bug == ModelBug.LostRunnext) return;
            gp = GOf(old);
        }
        var h = p.Head;
        var t = p.Tail;
        if (unchecked(t - h) < P.RunQSize)
        {
            p.RunQ[t % P.RunQSize] = gp.Slot + 1;
            p.Tail = unchecked(t + 1);
            Emit(EventKind.RunqPut, gp.Goid, h, p.Tail);
            return;
        }
        RunQPutSlow(p, gp, h, t);
    }

    /// <summary>Mirrors runtime.runqputslow (proc.go): moves the 128 oldest gs plus gp (129, FIFO) to the global
    /// queue. Throws "runqputslow: queue is not full" unless the ring is exactly full.</summary>
    internal void RunQPutSlow(P p, G gp, uint h, uint t)
    {
        var n = unchecked(t - h) / 2;
        if (n != P.RunQSize / 2) throw new ModelThrowException(Throw.RunqPutSlowNotFull);
        for (var i = 0u; i < n; i++) _s.RunQ.Add(p.RunQ[unchecked(h + i) % P.RunQSize] - 1);
        p.Head = unchecked(h + n);
        _s.RunQ.Add(gp.Slot); // globrunqputbatch under sched.lock
        _s.RunQSize += (int)n + 1;
        Emit(EventKind.RunqPutSlow, gp.Goid, n + 1, p.Head, _s.RunQSize);
    }

    /// <summary>Mirrors runtime.runqget (proc.go): runnext first (inheritTime), then the ring's head.</summary>
    internal G? RunQGet(P p, out bool inheritTime)
    {
        inheritTime = false;
        if (p.RunNext != 0)
        {
            var g = GOf(p.RunNext);
            p.RunNext = 0;
            inheritTime = true;
            Emit(EventKind.RunqGet, g.Goid, p.Head, p.Tail, 1);
            return g;
        }
        if (p.Head == p.Tail) return null;
        var gp = GOf(p.RunQ[p.Head % P.RunQSize]);
        p.Head = unchecked(p.Head + 1);
        Emit(EventKind.RunqGet, gp.Goid, p.Head, p.Tail, 0);
        return gp;
    }

    /// <summary>Mirrors runtime.runqsteal and runqgrab (proc.go): takes ceil(n/2) of the victim's ring into the
    /// thief's, or, when the ring is empty and on the last pass, the victim's runnext. Returns the last g taken.</summary>
    internal G? RunQSteal(P p, P victim)
    {
        var h = victim.Head;
        var t = victim.Tail;
        var n = unchecked(t - h);
        n -= n / 2;
        var pt = p.Tail;
        var tookNext = false;
        if (n == 0)
        {
            // stealRunNext: only reached on stealWork's last pass, since any ring with work is found before it.
            if (victim.RunNext == 0) return null;
            p.RunQ[pt % P.RunQSize] = victim.RunNext;
            victim.RunNext = 0;
            n = 1;
            tookNext = true;
        }
        else
        {
            for (var i = 0u; i < n; i++) p.RunQ[unchecked(pt + i) % P.RunQSize] = victim.RunQ[unchecked(h + i) % P.RunQSize];
            victim.Head = unchecked(h + n);
        }
        var taken = n;
        n--;
        var gp = GOf(p.RunQ[unchecked(pt + n) % P.RunQSize]);
        if (n != 0)
        {
            if (unchecked(pt - p.Head) + n >= P.RunQSize) throw new ModelThrowException(Throw.RunqStealOverflow);
            p.Tail = unchecked(pt + n);
        }
        Emit(EventKind.RunqSteal, gp.Goid, victim.Id, taken, victim.Head, tookNext ? 1 : 0);
        return gp;
    }

    /// <summary>Mirrors runtime.globrunqput (proc.go): the global queue's tail.</summary>
    internal void GlobRunQPut(G g)
    {
        _s.RunQ.Add(g.Slot);
        _s.RunQSize++;
        Emit(EventKind.GlobRunqPut, g.Goid, _s.RunQSize);
    }

    /// <summary>Mirrors runtime.globrunqget (proc.go, 1.19): n = min(size, size/gomaxprocs+1, max if > 0, 128);
    /// returns the first and runqputs the rest into the local ring.</summary>
    internal G? GlobRunQGet(P p, int max)
    {
        if (_s.RunQSize == 0) return null;
        var n = _s.RunQSize / _s.Ps.Count + 1;
        if (n > _s.RunQSize) n = _s.RunQSize;
        if (max > 0 && n > max) n = max;
        if (n > P.RunQSize / 2) n = P.RunQSize / 2;
        _s.RunQSize -= n;
        var gp = _s.AllGs[_s.RunQ[0]];
        _s.RunQ.RemoveAt(0);
        Emit(EventKind.GlobRunqGet, gp.Goid, n, _s.RunQSize);
        for (var i = 1; i < n; i++)
        {
            var g1 = _s.AllGs[_s.RunQ[0]];
            _s.RunQ.RemoveAt(0);
            RunQPut(p, g1, next: false);
        }
        return gp;
    }

    // ---- gFree (reference §5.3) ----

    /// <summary>Mirrors runtime.gfput (proc.go): push on the P's list; at 64, move gs to the global lists until
    /// fewer than 32 remain. A stack that grew is freed first (it is not startingStackSize).</summary>
    internal void GfPut(P p, G g)
    {
        if (g.Status != GStatus.Dead) throw new ModelThrowException(Throw.BadGfput);
        if (g.StackSize != _cfg.StackBytes) g.StackSize = 0;
        p.GFree.Add(g.Slot);
        p.GFreeN++;
        Emit(EventKind.GfPut, g.Goid, p.GFreeN);
        if (p.GFreeN >= 64)
        {
            while (p.GFreeN >= 32)
            {
                var slot = p.GFree[^1];
                p.GFree.RemoveAt(p.GFree.Count - 1);
                p.GFreeN--;
                if (_s.AllGs[slot].StackSize == 0) _s.GFreeNoStack.Add(slot);
                else _s.GFreeStack.Add(slot);
            }
        }
    }

    /// <summary>Mirrors runtime.gfget (proc.go): refill from the global lists (stack first) up to 32 when the local
    /// list is empty; pop; give a stackless g a stack of startingStackSize.</summary>
    internal G? GfGet(P p)
    {
        if (p.GFree.Count == 0 && (_s.GFreeStack.Count > 0 || _s.GFreeNoStack.Count > 0))
        {
            while (p.GFreeN < 32)
            {
                List<int> from;
                if (_s.GFreeStack.Count > 0) from = _s.GFreeStack;
                else if (_s.GFreeNoStack.Count > 0) from = _s.GFreeNoStack;
                else break;
                p.GFree.Add(from[^1]);
                from.RemoveAt(from.Count - 1);
                p.GFreeN++;
            }
        }
        if (p.GFree.Count == 0) return null;
        var g = _s.AllGs[p.GFree[^1]];
        p.GFree.RemoveAt(p.GFree.Count - 1);
        p.GFreeN--;
        if (g.StackSize != 0 && g.StackSize != _cfg.StackBytes) g.StackSize = 0;
        if (g.StackSize == 0) g.StackSize = _cfg.StackBytes;
        Emit(EventKind.GfGet, g.Goid, p.GFreeN);
        return g;
    }

    // ---- Ps and Ms ----

    /// <summary>Mirrors runtime.pidleput (proc.go). Throws "pidleput: P has non-empty run queue".</summary>
    internal void PidlePut(P p)
    {
        if (!p.RunQEmpty) throw new ModelThrowException(Throw.PidlePutNonEmpty);
        _s.Pidle.Add(p.Id);
    }

    /// <summary>Mirrors runtime.pidleget (proc.go): LIFO.</summary>
    internal P? PidleGet()
    {
        if (_s.Pidle.Count == 0) return null;
        var p = _s.Ps[_s.Pidle[^1]];
        _s.Pidle.RemoveAt(_s.Pidle.Count - 1);
        return p;
    }

    /// <summary>Mirrors runtime.acquirep / wirep (proc.go).</summary>
    internal void AcquireP(M m, P p)
    {
        m.P = p.Id + 1;
        p.M = m.Id + 1;
        var old = p.Status;
        p.Status = PStatus.Running;
        EmitP(p, old, PStatus.Running);
    }

    /// <summary>Mirrors runtime.releasep (proc.go).</summary>
    internal void ReleaseP(M m, P p)
    {
        m.P = 0;
        p.M = 0;
        var old = p.Status;
        p.Status = PStatus.Idle;
        EmitP(p, old, PStatus.Idle);
    }

    /// <summary>Mirrors runtime.wakep (proc.go, 1.19): only with an idle P and when nmspinning goes 0 → 1.</summary>
    internal void WakeP()
    {
        if (_s.NPidle == 0) return;
        if (_s.NmSpinning != 0) return;
        _s.NmSpinning = 1;
        StartM(null, spinning: true);
    }

    /// <summary>Mirrors runtime.startm (proc.go): an idle P (or <paramref name="p"/>) for an idle M (mget) or a new
    /// one (newm), which acquires it when it next steps.</summary>
    internal void StartM(P? p, bool spinning)
    {
        if (p is null)
        {
            p = PidleGet();
            if (p is null)
            {
                if (spinning) _s.NmSpinning--;
                return;
            }
        }
        M nmp;
        if (_s.Midle.Count > 0)
        {
            nmp = _s.Ms[_s.Midle[^1]];
            _s.Midle.RemoveAt(_s.Midle.Count - 1);
        }
        else
        {
            nmp = new M(_s.Ms.Count);
            _s.Ms.Add(nmp);
        }
        nmp.Spinning = spinning;
        nmp.NextP = p.Id + 1;
        nmp.Phase = MPhase.Start;
    }

    /// <summary>Mirrors runtime.stopm (proc.go): onto sched.midle, then checkdead (from mput).</summary>
    internal void StopM(M m)
    {
        m.Phase = MPhase.Idle;
        _s.Midle.Add(m.Id);
        CheckDead();
    }

    /// <summary>Mirrors runtime.checkdead (proc.go): with no M running, a g that could run is "checkdead: runnable g";
    /// gs that all wait are "all goroutines are asleep - deadlock!". Unlike Go, all gs dead is a completed run.</summary>
    internal void CheckDead()
    {
        foreach (var m in _s.Ms)
            if (m.Phase != MPhase.Idle) return;
        var waiting = false;
        foreach (var g in _s.AllGs)
        {
            switch (g.Status)
            {
                case GStatus.Waiting: waiting = true; break;
                case GStatus.Dead: break;
                default: throw new ModelThrowException(Throw.CheckdeadRunnable);
            }
        }
        if (waiting)
        {
            _s.Outcome = Outcome.Fatal;
            _s.Fatal = Throw.Deadlock;
        }
        else
        {
            _s.Outcome = Outcome.Completed;
        }
    }

    /// <summary>Mirrors runtime.handoffp (proc.go, 1.19): start an M for a P with work, or a spinning one when nobody
    /// spins and no P is idle; otherwise the P goes idle. Not modelled: trace and GC work, and the clause that keeps
    /// the last P busy for the network poller (there is no netpoll).</summary>
    internal void HandoffP(P p)
    {
        if (!p.RunQEmpty || _s.RunQSize != 0)
        {
            StartM(p, spinning: false);
            return;
        }
        if (_s.NmSpinning + _s.NPidle == 0 && _s.NmSpinning == 0)
        {
            _s.NmSpinning = 1;
            StartM(p, spinning: true);
            return;
        }
        PidlePut(p);
    }

    // ---- schedule ----

    /// <summary>Whether findRunnable finds work without stealing (the 61 check, runqget, globrunqget).</summary>
    internal static bool HasLocalWork(SchedState s, P p) => s.RunQSize != 0 || !p.RunQEmpty;

    /// <summary>findRunnable's steal condition: the M spins, or 2·nmspinning &lt; gomaxprocs − npidle.</summary>
    internal static bool MayTrySteal(SchedState s, M m) => m.Spinning || 2 * s.NmSpinning < s.Ps.Count - s.NPidle;

    /// <summary>Mirrors runtime.schedule and findRunnable (proc.go, 1.19 order), with the steal victim chosen by the
    /// action (-1: no steal succeeds). An M woken by startm first acquires its nextp (mstart1 → acquirep).</summary>
    internal void Schedule(M m, int victim)
    {
        if (m.Phase == MPhase.Start)
        {
            var np = _s.Ps[m.NextP - 1];
            m.NextP = 0;
            AcquireP(m, np);
            m.Phase = MPhase.Schedule;
        }
        var p = POf(m);
        var inheritTime = false;
        G? gp = null;
        var global = _cfg.Bug != ModelBug.Livelock;
        // 6. The 1-in-61 check of the global queue.
        if (global && p.SchedTick % 61 == 0 && _s.RunQSize > 0) gp = GlobRunQGet(p, 1);
        // 8. Local runq, runnext first.
        gp ??= RunQGet(p, out inheritTime);
        // 9. Global batch.
        if (global && gp is null && _s.RunQSize != 0) gp = GlobRunQGet(p, 0);
        if (!global && gp is null) return;
        // 11. Steal.
        if (gp is null && MayTrySteal(_s, m))
        {
            if (!m.Spinning)
            {
                m.Spinning = true;
                _s.NmSpinning++;
            }
            if (victim >= 0) gp = RunQSteal(p, _s.Ps[victim]);
        }
        if (gp is null)
        {
            FindRunnableGiveUp(m, p);
            return;
        }
        if (m.Spinning) ResetSpinning();
        Execute(m, gp, inheritTime);

        void ResetSpinning()
        {
            // Mirrors runtime.resetspinning (proc.go).
            m.Spinning = false;
            _s.NmSpinning--;
            if (_s.NmSpinning < 0) throw new ModelThrowException(Throw.NegativeSpinning);
            WakeP();
        }
    }

    /// <summary>findRunnable's tail (steps 13-16): release the P, drop spinning, re-check every run queue (a
    /// spinning M takes an idle P back and schedules again), else stopm.</summary>
    internal void FindRunnableGiveUp(M m, P p)
    {
        ReleaseP(m, p);
        PidlePut(p);
        if (m.Spinning)
        {
            m.Spinning = false;
            _s.NmSpinning--;
            if (_s.NmSpinning < 0) throw new ModelThrowException(Throw.NegativeSpinning);
            foreach (var p2 in _s.Ps)
            {
                // Go skips the Ps in idlepMask (those on pidle), not every _Pidle P: a P handed to a starting M counts.
                if (p2.RunQEmpty || _s.Pidle.Contains(p2.Id)) continue;
                var pp = PidleGet();
                if (pp is not null)
                {
                    AcquireP(m, pp);
                    m.Spinning = true;
                    _s.NmSpinning++;
                    m.Phase = MPhase.Schedule;
                    return;
                }
                break;
            }
        }
        StopM(m);
    }

    /// <summary>Mirrors runtime.execute (proc.go): m.curg and g.m before E4; schedtick++ unless inheritTime; gogo.</summary>
    internal void Execute(M m, G g, bool inheritTime)
    {
        m.Curg = g.Slot + 1;
        g.M = m.Id + 1;
        CasGStatus(g, GStatus.Runnable, GStatus.Running, Transitions.Execute);
        if (!inheritTime) POf(m).SchedTick++;
        Emit(EventKind.GoStart, g.Goid, inheritTime ? 1 : 0);
        Gogo(g);
        m.Phase = MPhase.Running;
    }

    /// <summary>Mirrors runtime.dropg (proc.go).</summary>
    internal static void DropG(M m, G g)
    {
        m.Curg = 0;
        g.M = 0;
    }

    // ---- yield, park, ready, exit ----

    /// <summary>Mirrors runtime.Gosched → mcall(gosched_m) → goschedImpl (proc.go): E7, dropg, globrunqput.
    /// Throws "bad g status" unless running.</summary>
    internal void GoschedM(M m, G g, int ordinal)
    {
        McallSave(g, Level(g, ordinal), AbstractPc.At(ordinal));
        if (g.Status != GStatus.Running) throw new ModelThrowException(Throw.BadGosched);
        CasGStatus(g, GStatus.Running, GStatus.Runnable, Transitions.Gosched);
        DropG(m, g);
        Emit(EventKind.GoSched, g.Goid);
        GlobRunQPut(g);
        m.Phase = MPhase.Schedule;
    }

    /// <summary>semacquire (sema.go) as ARCHITECTURE.md defines it: take a count, or queue FIFO and
    /// goparkunlock → mcall(park_m): E5, dropg, schedule.</summary>
    internal void SemAcquire(M m, G g, int ordinal, int sema)
    {
        if (_s.SemaCount[sema] > 0)
        {
            _s.SemaCount[sema]--;
            Emit(EventKind.SemCount, g.Goid, sema, _s.SemaCount[sema]);
            return;
        }
        _s.SemaWaiters[sema].Add(g.Slot);
        g.WaitSema = sema + 1;
        if (g.Status != GStatus.Running) throw new ModelThrowException(Throw.BadGopark);
        McallSave(g, Level(g, ordinal), AbstractPc.At(ordinal));
        CasGStatus(g, GStatus.Running, GStatus.Waiting, Transitions.Park);
        DropG(m, g);
        Emit(EventKind.GoBlock, g.Goid, sema);
        m.Phase = MPhase.Schedule;
    }

    /// <summary>semrelease as ARCHITECTURE.md defines it: hand the count to the longest waiter (goready: on the system
    /// stack, ready) or count up. Go 1.19's semrelease1 counts up and lets the woken waiter retry; the workload
    /// language specifies the handoff, so a woken waiter never finds the count taken.</summary>
    internal void SemRelease(M m, G g, int ordinal, int sema)
    {
        var waiters = _s.SemaWaiters[sema];
        if (waiters.Count == 0)
        {
            _s.SemaCount[sema]++;
            Emit(EventKind.SemCount, g.Goid, sema, _s.SemaCount[sema]);
            return;
        }
        var w = _s.AllGs[waiters[0]];
        waiters.RemoveAt(0);
        SystemstackSave(g, ordinal);
        Ready(m, w, g, sema);
        SystemstackReturn(g);
    }

    /// <summary>Mirrors runtime.ready (proc.go): E6, runqput(pp, gp, next=true), wakep. Throws "bad g->status in ready".</summary>
    internal void Ready(M m, G gp, G by, int sema)
    {
        if (gp.Status != GStatus.Waiting) throw new ModelThrowException(Throw.BadReady);
        gp.WaitSema = 0;
        if (_cfg.Bug == ModelBug.WrongEdge) CasGStatus(gp, GStatus.Waiting, GStatus.Running, 0);
        CasGStatus(gp, GStatus.Waiting, GStatus.Runnable, Transitions.Ready);
        Emit(EventKind.GoUnblock, gp.Goid, by.Goid, sema);
        var p = POf(m);
        RunQPut(p, gp, next: true);
        if (_cfg.Bug == ModelBug.DoubleEnqueue) GlobRunQPut(gp);
        WakeP();
    }

    /// <summary>Mirrors runtime.goexit1 → mcall(goexit0) (proc.go, 1.19): E8, clear g.m, dropg, gfput, schedule.
    /// <paramref name="ordinal"/> is the <c>exit</c> op, or -1 at the end of the body (returning into goexit+1).</summary>
    internal void GoExit1(M m, G g, int ordinal)
    {
        // Returned into goexit+1: sp is the top of the stack, and the body's epilogue restored the entry bp, 0.
        if (ordinal < 0) McallSave(g, 1, AbstractPc.GoExit, bp: 0);
        else McallSave(g, Level(g, ordinal), AbstractPc.At(ordinal));
        CasGStatus(g, GStatus.Running, GStatus.Dead, Transitions.GoExit);
        g.M = 0;
        g.WaitSema = 0;
        // The dead g's stack contents no longer matter; clear them so equal runs reach equal states.
        g.After = -1;
        Array.Clear(g.Counters);
        DropG(m, g);
        Emit(EventKind.GoEnd, g.Goid);
        GfPut(POf(m), g);
        m.Phase = MPhase.Schedule;
    }

    // ---- syscalls (1.19) ----

    /// <summary>Mirrors runtime.reentersyscall (proc.go, 1.19): save(pc, sp), syscallsp, E9, then the P goes to
    /// _Psyscall with m.oldp set and p.m, m.p cleared.</summary>
    internal void EnterSyscall(M m, G g, int ordinal)
    {
        var level = Level(g, ordinal);
        McallSave(g, level, AbstractPc.At(ordinal));
        g.SyscallSp = level;
        CasGStatus(g, GStatus.Running, GStatus.Syscall, Transitions.EnterSyscall);
        Emit(EventKind.GoSysCall, g.Goid);
        var p = POf(m);
        p.M = 0;
        m.OldP = p.Id + 1;
        m.P = 0;
        var old = p.Status;
        p.Status = PStatus.Syscall;
        EmitP(p, old, PStatus.Syscall);
        m.Phase = MPhase.Syscall;
    }

    /// <summary>Mirrors runtime.exitsyscall (proc.go, 1.19). Fast path (exitsyscallfast): the old P if it is still in
    /// _Psyscall, else any idle P; E10. Slow path: mcall(exitsyscall0): E11, dropg, an idle P or the global queue
    /// and stopm.</summary>
    internal void ExitSyscall(M m)
    {
        var g = GOf(m.Curg);
        P? p = null;
        if (m.OldP != 0 && _s.Ps[m.OldP - 1].Status == PStatus.Syscall)
        {
            p = _s.Ps[m.OldP - 1];
            p.Status = PStatus.Idle;
            EmitP(p, PStatus.Syscall, PStatus.Idle);
            AcquireP(m, p);
        }
        else if (_s.NPidle > 0)
        {
            p = PidleGet()!;
            AcquireP(m, p);
        }
        m.OldP = 0;
        if (p is not null)
        {
            CasGStatus(g, GStatus.Syscall, GStatus.Running, Transitions.ExitSyscallFast);
            Emit(EventKind.GoSysExit, g.Goid, 1);
            g.SyscallSp = 0;
            SystemstackReturn(g);
            m.Phase = MPhase.Running;
            return;
        }
        McallSave(g, Level(g, g.After), AbstractPc.At(g.After));
        CasGStatus(g, GStatus.Syscall, GStatus.Runnable, Transitions.ExitSyscallSlow);
        // Go clears syscallsp when the g resumes in exitsyscall; the runtime clears it here, which nothing can observe.
        g.SyscallSp = 0;
        Emit(EventKind.GoSysExit, g.Goid, 0);
        DropG(m, g);
        var idle = PidleGet();
        if (idle is not null)
        {
            AcquireP(m, idle);
            Execute(m, g, inheritTime: false);
            return;
        }
        GlobRunQPut(g);
        StopM(m);
    }

    /// <summary>Mirrors sysmon's retake (proc.go, 1.19) for a P in _Psyscall: CAS it to _Pidle and handoffp. Time is
    /// abstracted: "the syscall has run long enough" is the choice.</summary>
    internal void Retake(P p)
    {
        p.Status = PStatus.Idle;
        EmitP(p, PStatus.Syscall, PStatus.Idle);
        HandoffP(p);
    }
}
