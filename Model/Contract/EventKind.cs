namespace Model.Contract;

/// <summary>
/// The event alphabet both sides speak (ARCHITECTURE.md, "the event alphabet"): the model's steps emit these
/// (<c>Model.SchedEvent</c>) and the native runtime records them (<c>Implementation.Trace.TraceEvent</c>), with the
/// same numbers and the same argument meanings, so Conformance compares them field by field. Names follow Go's
/// execution tracer where it has one. Where an argument is a raw address in the runtime, the model carries an abstract
/// value instead, and the kind's documentation says which; everything else (goids, statuses, queue indices, counts)
/// is the same number on both sides.
/// <para>The kinds from <see cref="Status"/> to <see cref="PStatus"/>, and the channel kinds from <see cref="ChanSend"/>
/// on, change or report scheduler state (<see cref="EventKinds.IsState"/>); the others are the tracer's annotations of
/// the step they belong to.</para>
/// </summary>
public enum EventKind : byte
{
    /// <summary>newproc1 created a g. G = parent goid (0: the runtime itself, for main); A = child goid; B = body
    /// index. Runtime: C = stack.lo, D = stack.hi. Model: C = the stack size (it has no addresses), D = 0.</summary>
    GoCreate = 1,
    /// <summary>execute: Runnable → Running, then gogo. G = goid; A = 1 if inheritTime (it came from runnext).</summary>
    GoStart,
    /// <summary>gosched_m: Running → Runnable, globrunqput. G = goid.</summary>
    GoSched,
    /// <summary>park_m on a semaphore. G = goid; A = semaphore index (order of first appearance in the workload).</summary>
    GoBlock,
    /// <summary>ready. G = the readied goid; A = the goid of the g that readied it; B = the semaphore's index (C = 0) or
    /// the channel's index (C = <see cref="ChanContract.UnblockByChannel"/>).</summary>
    GoUnblock,
    /// <summary>entersyscall. G = goid.</summary>
    GoSysCall,
    /// <summary>exitsyscall. G = goid; A = 1 fast path (kept or reacquired a P), 0 slow path (exitsyscall0).</summary>
    GoSysExit,
    /// <summary>goexit0: Running → Dead, then gfput. G = goid.</summary>
    GoEnd,
    /// <summary>Every casgstatus. G = goid; A = old status; B = new status (<see cref="GStatus"/> numbers);
    /// C = the edge's number (<see cref="Transitions"/>). newproc1 assigns the goid before E3 (as Go tip does), so
    /// E3 already names the new goid; E2 of a fresh g names goid 0.</summary>
    Status,
    /// <summary>runqput into the ring (next=false, or an evicted runnext). G = goid; A = head; B = tail after.</summary>
    RunqPut,
    /// <summary>runqput(next=true) into runnext. G = goid; A = the evicted goid or 0.</summary>
    RunnextPut,
    /// <summary>runqget. G = goid; A = head after; B = tail; C = 1 if it came from runnext.</summary>
    RunqGet,
    /// <summary>runqputslow moved a batch to the global queue. G = the g that did not fit; A = number moved (129: the
    /// 128 oldest of the ring, then G); B = the ring's head after; C = global queue size after.</summary>
    RunqPutSlow,
    /// <summary>runqsteal. G = the g returned to run; A = victim P; B = number taken; C = the victim's head after;
    /// D = 1 if the victim's runnext was taken.</summary>
    RunqSteal,
    /// <summary>globrunqput (tail). G = goid; A = global queue size after.</summary>
    GlobRunqPut,
    /// <summary>globrunqget. G = the g returned; A = number taken in the batch; B = global queue size after.</summary>
    GlobRunqGet,
    /// <summary>gfput. G = goid of the dead g; A = local gFree count after the push (64 when it then spills 33).</summary>
    GfPut,
    /// <summary>gfget. G = the goid the g had before reuse; A = local gFree count after.</summary>
    GfGet,
    /// <summary>A switch saved g.sched (mcall, systemstack, morestack, reentersyscall's save). G = goid.
    /// Runtime: A = sp, B = pc, C = bp as raw values; D = the mcall reason when recorded after an mcall
    /// (<see cref="McallReason"/>), or -1 for the save at entersyscall (B5: syscallsp/pc = these).
    /// Model: A = sp and C = bp as offsets below the g's stack.hi (<see cref="FrameAbi"/>; 0 = zero),
    /// B = an abstract pc code (<c>Model.AbstractPc.Code</c>), D as the runtime's. Conformance maps the runtime's raw
    /// sp and bp v to <c>stack.hi − v</c> of the g's own stack (from its GoCreate) and compares them for equality.</summary>
    GobufSave,
    /// <summary>gogo is about to restore g.sched (and clear sp, ctxt, ret and bp). G = goid. Runtime: A = pc jumped
    /// to, B = sp and C = bp it loads. Model: A = abstract pc code, B and C offsets below stack.hi.</summary>
    GobufLoad,
    /// <summary>A semaphore's count changed without a handoff (an acquire that did not park, a release with no
    /// waiter). G = the goid doing it; A = semaphore index; B = count after.</summary>
    SemCount,
    /// <summary>A P changed status (acquirep/wirep, releasep, entersyscall, exitsyscallfast's CAS, sysmon's retake).
    /// The event's P field is the P whose status changed (for this kind only; elsewhere it is the stepping M's P);
    /// A = old status; B = new status (<see cref="PStatus"/> numbers); C = the P's id again.</summary>
    PStatus,

    // ---- Channels and select (docs/channels.md). Numbers continue after PStatus so older traces keep theirs. ----

    /// <summary>Annotation. park_m for a chansend that blocks (traceEvGoBlockSend). G = goid; A = channel index.</summary>
    GoBlockSend,
    /// <summary>Annotation. park_m for a chanrecv that blocks (traceEvGoBlockRecv). G = goid; A = channel index.</summary>
    GoBlockRecv,
    /// <summary>Annotation. park_m for selectgo's pass 2 (traceEvGoBlockSelect). G = goid; A = the number of channel
    /// cases it waits on (nil channels left out).</summary>
    GoBlockSelect,
    /// <summary>Annotation. A g parks for good (traceEvGoStop): <c>select {}</c>, or a send or receive on a nil
    /// channel. G = goid; A = <see cref="StopReason"/>; B = the channel index, or -1.</summary>
    GoStop,
    /// <summary>State. A value went into a channel. G = the sender's goid; A = channel index; B = the value
    /// (<see cref="Model.Workload.ChanValues"/>); C = <see cref="ChanSendMode"/>; D = the hchan after,
    /// <see cref="ChanContract.Pack"/>(qcount, sendx, recvx). A direct send is followed by the receiver's GoUnblock.</summary>
    ChanSend,
    /// <summary>State. A receive completed without parking. G = the receiver's goid; A = channel index; B = the value
    /// now in the receiver's own stack slot (0 when closed); C = <see cref="ChanRecvMode"/>; D = the hchan after (packed).
    /// A direct or handoff receive is followed by the sender's GoUnblock.</summary>
    ChanRecv,
    /// <summary>State. A sudog was queued on a channel (chansend/chanrecv before gopark, selectgo's pass 2 in lock
    /// order). G = goid; A = channel index; B = 0 sendq, 1 recvq; C = that queue's length after; D = the select case
    /// index, or -1 for a plain send or receive.</summary>
    ChanEnqueue,
    /// <summary>State. waitq.dequeue popped a select's sudog whose select another waker had already won (selectDone's
    /// CAS failed) and went on. G = the goid of the g dequeuing; A = channel index; B = 0 sendq, 1 recvq; C = the goid
    /// of the skipped sudog's g.</summary>
    ChanDequeueStale,
    /// <summary>State. closechan. G = goid; A = channel index; B = receivers released; C = senders released. Their
    /// GoUnblocks follow in Go's order (the released gs are readied from a stack: the last dequeued first).</summary>
    ChanClose,
    /// <summary>State. A g that parked in chansend or chanrecv runs again (the code after gopark: gp.waiting cleared,
    /// releaseSudog). G = goid; A = channel index; B = the value (a receive: what is in its own stack slot; a send:
    /// the value it sent); C = 1 success, 0 woken by closechan; D = 0 send, 1 receive.</summary>
    ChanWoken,
    /// <summary>State. selectgo's pass 1 decided (or found nothing ready). G = goid; A = the poll order's code
    /// (<see cref="ChanContract.PollOrder"/>); B = the case index taken (source order, the default's when no channel
    /// case is ready), or -1 when it goes on to pass 2 and parks; C = the number of non-nil channel cases; D = 1 if the
    /// select has a default. The chosen case's ChanSend or ChanRecv follows.</summary>
    Select,
    /// <summary>State. selectgo's pass 3 after the wake-up. G = goid; A = the case index whose sudog woke it; B = the
    /// sudogs it took off the other cases' queues (those a waker had not already popped); C = 1 success, 0 closed.</summary>
    SelectWoken,

    // ---- Timers and the network poller (docs: README "sleep and io"). Appended after the channel kinds. ----

    /// <summary>Annotation. park_m for time.Sleep (traceEvGoSleep, wait reason "sleep"). G = goid.</summary>
    GoSleep,
    /// <summary>State. doaddtimer put a g's sleep timer on a P's heap. G = the sleeping goid; A = the heap's P;
    /// B = when (µs; virtual in controlled runs); C = the heap's size after.</summary>
    TimerAdd,
    /// <summary>State. runOneTimer took the heap's first timer off (dodeltimer0) to run it (goroutineReady). G = the
    /// goid it readies; A = the heap's P (a thief's stealWork runs another P's timers); B = when; C = the heap's size
    /// after. The g's ready (Status E6, GoUnblock, RunnextPut) follows.</summary>
    TimerFire,
    /// <summary>State. checkdead's timejump (Go's faketime): every M was idle, so the virtual clock jumped to the
    /// earliest deadline and an M was started, spinning, to run it. G = 0; A = the clock after (µs); B = the P it was
    /// given; C = the M started.</summary>
    TimeJump,

    // ---- Stacks (issue 13). Appended after the timer kinds. ----

    /// <summary>State. newstack grew the running g's stack by copying (copystack), between E12 and E13. G = goid;
    /// A = the old size; B = the new size (bytes). Runtime: C = the new stack.lo, D = the new stack.hi (every sp and
    /// bp the g saves from now on is an offset below this hi). Model: C = D = 0 (it has no addresses).</summary>
    StackGrow,

    // ---- The network poller (issue 14). Appended after the stack kinds. ----

    /// <summary>Annotation. park_m for netpollblock (traceEvGoBlockNet, wait reason "IO wait"). G = goid; A = the
    /// pollDesc id.</summary>
    GoBlockNet,
    /// <summary>State. netpollblockcommit (park_m's unlock function): the pollDesc's rg went from pdWait to the g and
    /// netpollWaiters was bumped. G = goid; A = the pollDesc id (creation order, from 1); B = the reply's deadline (µs;
    /// virtual in controlled runs); C = netpollWaiters after.</summary>
    NetpollBlock,
    /// <summary>State. A netpoll call returned. G = 0; A = how many gs it returned (netpollready, one per ready
    /// pollDesc, in deadline order, ties by pollDesc id); B = 1 at findRunnable's blocking call site (netpoll(delay);
    /// under faketime delay is 0), 0 for the non-blocking netpoll(0) before stealing.</summary>
    Netpoll,
    /// <summary>State. injectglist's split. G = 0; A = how many went to the global queue (globrunqputbatch); B = how
    /// many to the local run queue (runqputbatch); C = 1 when the M had a P, 0 when not (then all go global). The gs'
    /// GoUnblocks and E6s precede it; the GlobRunqPut and RunqPut events follow, one per g.</summary>
    InjectGlist,
    // ---- Cooperative preemption (issue 13). Appended after the poller's kinds. ----
    /// <summary>State. sysmon's preemptone (proc.go, reached from retake once a P has run the same g for
    /// forcePreemptNS): gp.preempt = true and gp.stackguard0 = stackPreempt, so the g's next checked prologue enters
    /// newstack. The event's P field is the P preempted (as for PStatus: sysmon has none); G = the goid of the P's
    /// m.curg; A = the P again.
    /// Controlled runs and the model have no clock: the request is a choice (the model's Preempt action), which the
    /// controlled runtime makes just before the g resumes user code.</summary>
    PreemptRequest,
    /// <summary>Annotation. newstack found stackguard0 = stackPreempt and the M preemptible, and calls gopreempt_m
    /// (traceEvGoPreempt). G = goid. goschedImpl's E7 and GlobRunqPut follow, as after a yield.</summary>
    GoPreempt,
    /// <summary>State. What morestack put in m.morebuf, as newstack reads it (before it clears it): f's caller's
    /// context. G = goid; A = morebuf.sp; B = morebuf.pc; C = 1 if morebuf.g is the g. Runtime: raw sp and pc. Model: the
    /// sp as an offset below the g's stack.hi (the caller's sp before its CALL: the op's own sp offset; for a body's own
    /// prologue goexit's frame, hi − 32) and the pc as an abstract code (the call op; goexit+1 for a body). Follows the
    /// GobufSave of the same morestack.</summary>
    Morebuf,
}

/// <summary>Facts about <see cref="EventKind"/>s that both sides rely on.</summary>
public static class EventKinds
{
    /// <summary>
    /// Whether a kind changes or reports scheduler state (statuses, queues, gobufs, Ps, semaphores, free lists), as
    /// opposed to the execution tracer's annotations (GoCreate .. GoEnd). Within one model step, state events must
    /// come in the model's order; annotations only have to be there (Go emits them next to the state change they
    /// name, on one side or the other).
    /// </summary>
    public static bool IsState(EventKind kind) =>
        kind is >= EventKind.Status and <= EventKind.PStatus or >= EventKind.ChanSend and <= EventKind.SelectWoken
            or >= EventKind.TimerAdd and <= EventKind.TimeJump or EventKind.StackGrow
            or >= EventKind.NetpollBlock and <= EventKind.InjectGlist or EventKind.PreemptRequest or EventKind.Morebuf;

    /// <summary>Whether a kind is an operation on a queue or a count whose indices order it (see the refinement checker).</summary>
    public static bool IsQueueOp(EventKind k) => k is EventKind.RunqPut or EventKind.RunnextPut or EventKind.RunqGet
        or EventKind.RunqPutSlow or EventKind.RunqSteal or EventKind.GlobRunqPut or EventKind.GlobRunqGet
        or EventKind.GfPut or EventKind.GfGet or EventKind.SemCount
        or EventKind.ChanSend or EventKind.ChanRecv or EventKind.ChanEnqueue or EventKind.ChanDequeueStale or EventKind.ChanClose;
}
