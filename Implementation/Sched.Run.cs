using System.Text;
using Implementation.Trace;
using Model.Workload;
using Native;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    private Controller? _control;

    /// <summary>
    /// Runs the workload: P0 goes to M0, the other Ps onto sched.pidle (as procresize leaves them), main is created
    /// with newproc on M0 (goid 1, runnext of P0) and M0's thread starts scheduling. Returns when every g has ended,
    /// on a deadlock or fatal error, or on the timeout.
    /// </summary>
    public RunResult Run()
    {
        var mainBody = Program.Workload.BodyIndex(Workload.MainBody);
        MState m0;
        _lock.Lock();
        for (var i = Procs - 1; i >= 1; i--) PidlePut(null, _allp[i]);
        _lock.Unlock();
        lock (_allm)
        {
            var m = Records.NewM(0);
            m0 = new MState(this, 0, m, _recorder?.NewBuffer(0), 0x9E3779B97F4A7C15UL ^ _options.Seed);
            m->SchedPtr = m0.Slot;
            _allm.Add(m0);
        }
        AcquireP(m0, _allp[0]);
        var main = NewProc1(m0, mainBody, null, 0);
        RunQPut(m0, m0.P, main, true);
        _clock.Restart();
        if (_controlled) _control!.Register(m0);
        m0.Thread = MThread.Start(0, _ => MStart(m0), m0.M);
        if (_options.Sysmon && !_controlled) StartSysmon();

        if (!_done.Wait(_options.Timeout))
        {
            Finish(RunOutcome.Fatal, $"fatal error: the run did not finish within {_options.Timeout.TotalSeconds:0.#} s\n\n" + GoroutineDump());
        }
        var joined = JoinAll(TimeSpan.FromSeconds(10));
        return Result(joined);
    }

    /// <summary>Waits for every M thread and sysmon; false if some thread is still inside goroutine code.</summary>
    private bool JoinAll(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var ok = true;
        while (true)
        {
            MState[] ms;
            lock (_allm) ms = [.. _allm];
            foreach (var m in ms)
            {
                var left = deadline - DateTime.UtcNow;
                if (m.Thread != null && !m.Thread.Join(left < TimeSpan.Zero ? TimeSpan.Zero : left)) ok = false;
            }
            lock (_allm)
            {
                // An M started while we joined (startm racing with the end) is joined in the next round.
                if (_allm.Count == ms.Length) break;
            }
        }
        if (_sysmonThread != null && !_sysmonThread.Join(TimeSpan.FromSeconds(1))) ok = false;
        JoinedCleanly = ok;
        return ok;
    }

    /// <summary>True when every thread left, so native memory can be freed.</summary>
    public bool JoinedCleanly { get; private set; }

    private RunResult Result(bool joined)
    {
        TraceEvent[]? trace = null;
        var truncated = false;
        if (_recorder != null) trace = _recorder.Merge(out truncated);
        long switches = 0, syscalls = 0, created = 0;
        lock (_allm)
        {
            foreach (var m in _allm)
            {
                switches += m.Switches;
                syscalls += m.Syscalls;
                created += m.Created;
            }
        }
        var blocked = new List<BlockedGoroutine>();
        var gs = new List<GoroutineInfo>();
        lock (_allgLock)
        {
            foreach (var g in _allgs)
            {
                var gp = (G*)g;
                var status = ReadGStatus(gp);
                gs.Add(new GoroutineInfo(gp->Goid, gp->ParentGoid, gp->Body, Program.Workload.Bodies[gp->Body].Name,
                    gp->StackLo, gp->StackHi, status));
                if (status == GStatus.Waiting)
                {
                    var sema = gp->WaitSema;
                    var reason = (WaitReason)gp->WaitReason;
                    var at = Program.PointAt(gp->Sched.Pc);
                    // A semaphore waiter is described by the semaphore's name, a channel waiter by
                    // ChanContract.BlockedOn (Go's wait reason and the channels its op names).
                    var what = reason == WaitReason.Semacquire || sema >= 0
                        ? (sema >= 0 && sema < _semas.Length ? _semas[sema].Name : "?")
                        : ChanContract.BlockedOn(reason, ChannelsAt(at));
                    blocked.Add(new BlockedGoroutine(gp->Goid, Program.Workload.Bodies[gp->Body].Name, what, reason.GoName(), at));
                }
            }
        }
        blocked.Sort((a, b) => a.Goid.CompareTo(b.Goid));
        gs.Sort((a, b) => a.Goid.CompareTo(b.Goid));
        var counters = new RunCounters(created, switches, syscalls, Interlocked.Read(ref _steals),
            Interlocked.Read(ref _syscallSlow), Interlocked.Read(ref _handoffs), Interlocked.Read(ref _retakes), MCount,
            Interlocked.Read(ref _preemptRequests), Interlocked.Read(ref _preemptions));
        return new RunResult
        {
            Outcome = _outcome,
            Message = _message,
            Blocked = blocked,
            Counters = counters,
            Elapsed = _elapsed,
            Trace = trace,
            TraceTruncated = truncated,
            Snapshots = _snapshots ? [.. _snapshotLog] : null,
            Choices = _control?.Choices ?? [],
            ChoiceLog = _control?.Log ?? [],
            Symbols = new SymbolTable(Program, _stubs),
            Goroutines = gs,
            Procs = Procs,
        };
    }

    /// <summary>Go's deadlock report: the fatal line, then each blocked g with what it waits on.</summary>
    private string DeadlockMessage()
    {
        var sb = new StringBuilder("fatal error: all goroutines are asleep - deadlock!");
        lock (_allgLock)
        {
            var waiting = _allgs.Select(g => (nint)g).Where(g => ReadGStatus((G*)g) == GStatus.Waiting)
                .OrderBy(g => ((G*)g)->Goid);
            foreach (var g in waiting)
            {
                sb.Append("\n\n").Append(DescribeG((G*)g, ((WaitReason)((G*)g)->WaitReason).GoName()));
            }
        }
        return sb.ToString();
    }

    /// <summary>Every g that has not ended, Go's traceback headers style (for the timeout report).</summary>
    private string GoroutineDump()
    {
        var sb = new StringBuilder();
        lock (_allgLock)
        {
            foreach (var g in _allgs.OrderBy(g => ((G*)g)->Goid))
            {
                var s = ReadGStatus((G*)g);
                if (s == GStatus.Dead) continue;
                if (sb.Length > 0) sb.Append("\n\n");
                sb.Append(DescribeG((G*)g, s == GStatus.Waiting ? ((WaitReason)((G*)g)->WaitReason).GoName() : StatusName(s)));
            }
        }
        return sb.ToString();
    }

    /// <summary>The channels a g parked at <paramref name="at"/> waits on, as the model lists them: a send's or
    /// receive's channel (nil or not), a one-case select's channel (it is the plain op), otherwise the select's non-nil
    /// case channels in source order, each once (none for <c>select {}</c> or a select of nil channels).</summary>
    private List<string> ChannelsAt(Model.Workload.ProgramPoint? at)
    {
        var names = new List<string>();
        if (at is not { } pt) return names;
        switch (Program.Points.OpAt(pt))
        {
            case SendOp s: names.Add(s.Chan); break;
            case RecvOp r: names.Add(r.Chan); break;
            case SelectOp sel when sel.ChannelCases == 1 && sel.DefaultIndex < 0:
                names.Add(sel.CaseOps.First(c => c.Chan is not null).Chan!);
                break;
            case SelectOp sel:
                foreach (var c in sel.CaseOps)
                    if (c.Chan is { } name && !Program.Workload.Channels[Program.Workload.ChannelIndex(name)].IsNil && !names.Contains(name))
                        names.Add(name);
                break;
        }
        return names;
    }

    /// <summary>"goroutine 5 [semacquire]:\nworker line 7: acquire done (semaphore "done")\ncreated by main line 3: go worker".</summary>
    internal string DescribeG(G* gp, string state, bool atMorestack = false)
    {
        var sb = new StringBuilder();
        sb.Append("goroutine ").Append(gp->Goid).Append(" [").Append(state).Append("]:\n");
        var body = (uint)gp->Body < (uint)Program.Workload.Bodies.Length ? Program.Workload.Bodies[gp->Body].Name : "?";
        // A running g's sched.pc is stale, except at morestack (which saved the overflowing frame's prologue).
        var point = ReadGStatus(gp) == GStatus.Running && !atMorestack ? null : Program.PointAt(gp->Sched.Pc);
        sb.Append(point is { } pt ? Program.Points.Describe(pt) : body);
        if (gp->WaitSema >= 0 && gp->WaitSema < _semas.Length) sb.Append(" (semaphore \"").Append(_semas[gp->WaitSema].Name).Append("\")");
        if (gp->ParentGoid != 0 && Program.PointAt(gp->GoPc) is { } created)
            sb.Append("\ncreated by ").Append(Program.Points.Describe(created)).Append(" in goroutine ").Append(gp->ParentGoid);
        return sb.ToString();
    }
}
