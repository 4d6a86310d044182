using Iced.Intel;
using Model.Workload;
using Native.Layout;
using static Iced.Intel.AssemblerRegisters;

namespace Native.Compiler;

/// <summary>
/// Compiles a <see cref="Workload"/> to x86-64 with Iced: each body (and each <c>call</c> block) becomes a native
/// function with Go's stack-bound check in its prologue and a frame-pointer chain; the ops become the switch-stub
/// sequences of docs/HACKING.md. Only RSP, RBP and R14 survive a switch, so loop counters live in the frame.
/// <code>
/// function (body or call block), frame F = align16(call bytes) + align16(8 * repeat slots):
///   start:  [StackCheck prologue for 8 + F]            ; jbe morestack_call
///           push rbp ; mov rbp,rsp ; sub rsp,F          ; rsp ≡ 0 (mod 16) from here on
///           mov qword [rsp],0                           ; call blocks only: touch the frame's lowest word
///           ...ops...
///   end:    mov rsp,rbp ; pop rbp ; ret                 ; a body returns into goexit+1 = mcall(Exit)
///   morestack_call: call morestack ; jmp start
///
/// yield:         lea rax,[resume] ; mov ecx,Gosched ; mov r11,mcall ; jmp r11 ; resume: nop
/// go B:          mov edi,B ; lea rsi,[op] ; mov rax,newproc ; mov r11,systemstack ; call r11 ; test rax,rax ; js fatal
/// acquire S:     op: systemstack(acquire, S) ; js fatal ; jz done ; lea rax,[again] ; mov ecx,Park ; jmp mcall
///                again: nop ; jmp op ; done: nop       ; woken: try again (semacquire1's loop)
/// release S:     systemstack(release, S) ; js fatal
/// syscall N:     systemstack(entersyscall) ; sched.sp = syscallsp ; sched.bp = rbp ; mov edi,N ; mov rax,usleep ; call rax
///                systemstack(exitsyscall) ; jz done ; lea rax,[done] ; mov ecx,ExitSyscall ; jmp mcall ; done: nop
/// work N:        mov ecx,N ; l: add rax,rcx ; dec ecx ; jnz l
/// repeat N {B}:  mov qword [rbp-slot],N ; top: nop ; B ; tail: dec qword [rbp-slot] ; jnz top
/// call K {B}:    call fn ; nop                          ; fn is B's own function with a K-byte frame
/// exit:          op: lea rax,[op] ; mov ecx,Exit ; jmp mcall     ; Goexit from any depth
/// (value):       inc qword [r14+sendSeq] ; mov rax,[r14+goid] ; shl rax,32 ; add rax,[r14+sendSeq] ; mov [rbp-send],rax
/// send C:        op: (value) ; systemstack(chansend, C, a1 = lea [rbp-send]) ; js fatal ; jz done
///                lea rax,[woken] ; mov ecx,Park ; jmp mcall ; woken: nop ; systemstack(chanwoken, C, slot) ; js fatal
///                done: nop
/// recv C:        as send without the value (chanrecv; the runtime writes the value into [rbp-send-8])
/// close C:       systemstack(closechan, C, 0) ; js fatal
/// select #k:     op: (value, if a case sends) ; systemstack(select, k, slot) ; js fatal
///                cmp rax,SelectParks ; jne dispatch ; lea rax,[woken] ; mov ecx,Park ; jmp mcall
///                woken: nop ; systemstack(selectwoken, k, slot) ; js fatal
///                dispatch: cmp rax,0 ; je case0 ; cmp rax,1 ; je case1 ... ; jmp fatal
///                case0: nop ; B0 ; jmp end ; case1: nop ; B1 ; jmp end ... end: nop
/// sleep N:       op: systemstack(sleep, N) ; js fatal ; jz done ; lea rax,[done] ; mov ecx,Park ; jmp mcall ; done: nop
///                (sleep 0: a marker nop, as timeSleep returns at once)
/// fatal:         lea rax,[fatal] ; xor ecx,ecx ; jmp mcall       ; a service failed: mcall(Bad)
/// </code>
/// Every op's first instruction is a marker for <see cref="CompiledWorkload.PointAt"/>; resume labels sit on their own
/// NOP (Iced allows one label per instruction).
/// </summary>
public static class WorkloadCompiler
{
    /// <summary>Compiles <paramref name="workload"/> (which must be well-formed) against the given services.</summary>
    public static CompiledWorkload Compile(Workload workload, RuntimeServices services, StubSet? stubs = null)
    {
        var problems = WorkloadValidator.Problems(workload);
        if (problems.Count > 0) throw new ArgumentException("workload is not well-formed: " + string.Join("; ", problems), nameof(workload));
        stubs ??= StubSet.Shared;
        var e = new Emitter(workload, services, stubs);
        return e.Run();
    }

    private sealed class Emitter
    {
        private readonly Workload _w;
        private readonly ProgramPoints _points;
        private readonly RuntimeServices _svc;
        private readonly StubSet _stubs;
        private readonly Assembler _a = new(64);
        private readonly Dictionary<string, int> _semas;
        private readonly List<(Label Label, ProgramPoint? Point)> _markers = [];
        private readonly List<(Label Label, ProgramPoint Point)> _resume = [];
        private readonly List<(Label Resume, Label Start)> _yields = [];
        private readonly Queue<(Label Start, CallOp Op)> _pending = new();
        private Label _fatal;
        private int _body;
        /// <summary>The send slot's offset below rbp in the function being emitted (0 when it has no channel slots).</summary>
        private int _sendSlot;
        /// <summary>Each select's number (<see cref="SelectNumbering"/>), by its program point.</summary>
        private readonly Dictionary<ProgramPoint, int> _selectNumbers = [];

        public Emitter(Workload w, RuntimeServices svc, StubSet stubs)
        {
            _w = w;
            _points = new ProgramPoints(w);
            _svc = svc;
            _stubs = stubs;
            var names = w.Semaphores();
            _semas = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < names.Count; i++) _semas[names[i]] = i;
            var selects = SelectNumbering.Of(w);
            for (var i = 0; i < selects.Length; i++) _selectNumbers[selects[i].Point] = i;
        }

        public CompiledWorkload Run()
        {
            _fatal = _a.CreateLabel("fatal");
            var entries = new Label[_w.Bodies.Length];
            for (var b = 0; b < _w.Bodies.Length; b++)
            {
                _body = b;
                entries[b] = _a.CreateLabel($"body{b}");
                Function(ref entries[b], _w.Bodies[b].Ops, 0, touch: false, owner: null);
                while (_pending.Count > 0)
                {
                    var (start, op) = _pending.Dequeue();
                    Function(ref start, op.Body, op.FrameBytes, touch: true, owner: op);
                }
            }
            // The shared fatal exit: a service recorded a fatal error; hand the M back to C# with reason Bad.
            _a.Label(ref _fatal);
            _a.lea(rax, __[_fatal]);
            _a.xor(ecx, ecx);
            _a.mov(r11, (ulong)_stubs.Mcall);
            _a.jmp(r11);
            var end = _a.CreateLabel("end");
            _a.Label(ref end);
            _a.int3();
            _markers.Add((end, null));

            var exports = new Dictionary<string, Label>();
            var id = 0;
            string Name() => "l" + id++;
            var entryNames = new string[entries.Length];
            for (var b = 0; b < entries.Length; b++) exports[entryNames[b] = Name()] = entries[b];
            var markerNames = _markers.Select(m => { var n = Name(); exports[n] = m.Label; return (n, m.Point); }).ToList();
            var resumeNames = _resume.Select(r => { var n = Name(); exports[n] = r.Label; return (n, r.Point); }).ToList();
            var yieldNames = _yields.Select(y =>
            {
                var r = Name();
                var s = Name();
                exports[r] = y.Resume;
                exports[s] = y.Start;
                return (r, s);
            }).ToList();

            var region = CodeRegion.Assemble(_a, exports);
            try
            {
                var bodyEntries = entryNames.Select(n => region[n]).ToArray();
                var markers = markerNames.Select(m => (region[m.n], m.Point)).ToArray();
                var resume = new Dictionary<nint, ProgramPoint>();
                foreach (var (n, p) in resumeNames) resume[region[n]] = p;
                var yieldStart = new Dictionary<nint, nint>();
                foreach (var (r, s) in yieldNames) yieldStart[region[r]] = region[s];
                return new CompiledWorkload(_w, _points, region, bodyEntries, markers, resume, yieldStart, _stubs);
            }
            catch
            {
                region.Dispose();
                throw;
            }
        }

        /// <summary>Emits one function: prologue check, frame, the block, epilogue, morestack call.</summary>
        private void Function(ref Label start, Block block, int frameBytes, bool touch, CallOp? owner)
        {
            var frame = FrameAbi.FrameSize(frameBytes, block);
            var morestack = _a.CreateLabel();
            _a.Label(ref start);
            // A call block's prologue (where morestack saves the pc of an overflowing frame) maps to its call op.
            _markers.Add((start, owner is null ? null : owner.Point));
            StackCheck.EmitPrologue(_a, FrameAbi.PrologueBytes(frame), morestack);
            _a.push(rbp);
            _a.mov(rbp, rsp);
            _a.sub(rsp, frame);
            if (touch && frame > 0) _a.mov(__qword_ptr[rsp], 0);
            _sendSlot = FrameAbi.UsesChanSlots(block) ? FrameAbi.SendSlotOffset(block) : 0;
            Block(block, 0);
            var end = _a.CreateLabel();
            _a.Label(ref end);
            _markers.Add((end, null));
            _a.mov(rsp, rbp);
            _a.pop(rbp);
            _a.ret();
            StackCheck.EmitMorestackCall(_a, ref morestack, start, _stubs, FrameAbi.PrologueBytes(frame));
            // morestack saves the return address of this call (the jmp back to the prologue): map it to the owner too.
            _markers.Add((morestack, owner is null ? null : owner.Point));
        }

        private void Block(Block block, int depth)
        {
            foreach (var op in block) Op(op, depth);
        }

        /// <summary>Binds a fresh label on the next instruction and records it as op's marker.</summary>
        private Label Marker(Op op)
        {
            var l = _a.CreateLabel();
            _a.Label(ref l);
            _markers.Add((l, op.Point));
            return l;
        }

        private void CallService(nint fn, int a0, Label pcOfOp)
        {
            _a.mov(edi, a0);
            _a.lea(rsi, __[pcOfOp]);
            _a.mov(rax, (ulong)fn);
            _a.mov(r11, (ulong)_stubs.Systemstack);
            _a.call(r11);
            _a.test(rax, rax);
            _a.js(_fatal);
        }

        /// <summary>A channel service: a0 = the channel or select number, a1 = the address of this frame's send slot
        /// (0 when the op passes none: close, which has no value).</summary>
        private void CallChanService(nint fn, int a0, bool slot)
        {
            if (fn == 0) throw new InvalidOperationException("the runtime provides no channel services");
            _a.mov(edi, a0);
            if (slot)
            {
                if (_sendSlot == 0) throw new InvalidOperationException("a channel op in a frame without channel slots");
                _a.lea(rsi, __[rbp - _sendSlot]);
            }
            else
            {
                _a.xor(esi, esi);
            }
            _a.mov(rax, (ulong)fn);
            _a.mov(r11, (ulong)_stubs.Systemstack);
            _a.call(r11);
            _a.test(rax, rax);
            _a.js(_fatal);
        }

        /// <summary>The value the op sends (<see cref="ChanValues.Of"/>: goid × 2^32 + ++g.sendSeq) into the send slot.
        /// Only RSP, RBP and R14 are live, so the sequence lives in the G record.</summary>
        private void EmitSendValue()
        {
            _a.inc(__qword_ptr[r14 + GLayout.SendSeq]);
            _a.mov(rax, __qword_ptr[r14 + GLayout.Goid]);
            _a.shl(rax, 32);
            _a.add(rax, __qword_ptr[r14 + GLayout.SendSeq]);
            _a.mov(__qword_ptr[rbp - _sendSlot], rax);
        }

        /// <summary>send and recv: the service; 1 = park (mcall(Park)), then the woken tail (chansend/chanrecv's code
        /// after gopark) on the resume path.</summary>
        private void ChanOp(Op op, nint service, int chan)
        {
            CallChanService(service, chan, slot: true);
            var done = _a.CreateLabel();
            _a.jz(done);
            McallAndResume(op, McallReason.Park, _a.CreateLabel());
            CallChanService(_svc.ChanWoken, chan, slot: true);
            _a.Label(ref done);
            _a.nop();
        }

        /// <summary>lea rax,[resume]; mov ecx,reason; jmp mcall — then the resume label on its own NOP.</summary>
        private Label McallAndResume(Op op, McallReason reason, Label resume)
        {
            _a.lea(rax, __[resume]);
            _a.mov(ecx, (int)reason);
            _a.mov(r11, (ulong)_stubs.Mcall);
            _a.jmp(r11);
            _a.Label(ref resume);
            _a.nop();
            _resume.Add((resume, op.Point));
            return resume;
        }

        private void Op(Op op, int depth)
        {
            switch (op)
            {
                case YieldOp:
                {
                    var start = Marker(op);
                    var resume = McallAndResume(op, McallReason.Gosched, _a.CreateLabel());
                    _yields.Add((resume, start));
                    break;
                }
                case GoOp g:
                {
                    var start = Marker(op);
                    CallService(_svc.NewProc, _w.BodyIndex(g.Body), start);
                    break;
                }
                case AcquireOp acq:
                {
                    var start = Marker(op);
                    CallService(_svc.Acquire, _semas[acq.Sema], start);
                    var done = _a.CreateLabel();
                    _a.jz(done);
                    // semacquire1's loop: a woken g has been given no ticket (semrelease with handoff = false only
                    // counted up and readied it), so it must win cansemacquire again, or queue again and park.
                    McallAndResume(op, McallReason.Park, _a.CreateLabel());
                    _a.jmp(start);
                    _a.Label(ref done);
                    _a.nop();
                    break;
                }
                case ReleaseOp rel:
                {
                    var start = Marker(op);
                    CallService(_svc.Release, _semas[rel.Sema], start);
                    break;
                }
                case SyscallOp sys:
                {
                    var start = Marker(op);
                    CallService(_svc.EnterSyscall, 0, start);
                    // reentersyscall's save(pc, sp) must still stand while the g is in _Gsyscall (B5: sched.sp ==
                    // syscallsp), but our entersyscall ran through systemstack, whose return clears sched.sp and bp.
                    // Go calls reentersyscall on the g's own stack and re-saves after each systemstack inside it; here
                    // the g's code puts back what the save recorded (sp = syscallsp, bp = this frame's rbp).
                    _a.mov(rax, __qword_ptr[r14 + GLayout.SyscallSp]);
                    _a.mov(__qword_ptr[r14 + GLayout.SchedSp], rax);
                    _a.mov(__qword_ptr[r14 + GLayout.SchedBp], rbp);
                    // The real blocking call, on the goroutine stack (rsp ≡ 0 mod 16 here, as SysV wants).
                    _a.mov(edi, sys.Micros);
                    _a.mov(rax, (ulong)Sleep.UsleepAddress);
                    _a.call(rax);
                    CallService(_svc.ExitSyscall, 0, start);
                    var done = _a.CreateLabel();
                    _a.jz(done);
                    // Slow path: still in _Gsyscall until exitsyscall0 (E11), so B5 must hold until the mcall saves:
                    // put back what systemstack's return cleared.
                    _a.mov(rax, __qword_ptr[r14 + GLayout.SyscallSp]);
                    _a.mov(__qword_ptr[r14 + GLayout.SchedSp], rax);
                    _a.mov(__qword_ptr[r14 + GLayout.SchedBp], rbp);
                    McallAndResume(op, McallReason.ExitSyscall, done);
                    break;
                }
                case WorkOp work:
                {
                    Marker(op);
                    if (work.Iterations > 0)
                    {
                        var loop = _a.CreateLabel();
                        _a.mov(ecx, work.Iterations);
                        _a.Label(ref loop);
                        _a.add(rax, rcx);
                        _a.dec(ecx);
                        _a.jnz(loop);
                    }
                    else
                    {
                        _a.nop();
                    }
                    break;
                }
                case RepeatOp rep:
                {
                    var offset = -FrameAbi.RepeatSlotOffset(depth);
                    Marker(op);
                    if (rep.Count == 0)
                    {
                        // Never runs: the body's code is still emitted (unreachable) so every op has a pc.
                        var skip = _a.CreateLabel();
                        _a.jmp(skip);
                        Block(rep.Body, depth + 1);
                        _a.Label(ref skip);
                        _a.nop();
                        break;
                    }
                    _a.mov(__qword_ptr[rbp + offset], rep.Count);
                    var top = _a.CreateLabel();
                    _a.Label(ref top);
                    _a.nop();
                    Block(rep.Body, depth + 1);
                    var tail = _a.CreateLabel();
                    _a.Label(ref tail);
                    _markers.Add((tail, op.Point));
                    _a.dec(__qword_ptr[rbp + offset]);
                    _a.jnz(top);
                    break;
                }
                case CallOp call:
                {
                    Marker(op);
                    var fn = _a.CreateLabel();
                    _a.call(fn);
                    _a.nop(); // the return address: its own marker, so it maps to the call op
                    _pending.Enqueue((fn, call));
                    break;
                }
                case SleepOp sl:
                {
                    // timeSleep(0) returns at once: pure code. Otherwise the service sets the deadline and the g parks;
                    // its timer readies it at the resume point.
                    var start = Marker(op);
                    if (sl.Micros <= 0)
                    {
                        _a.nop();
                        break;
                    }
                    CallService(_svc.Sleep, sl.Micros, start);
                    var done = _a.CreateLabel();
                    _a.jz(done);
                    McallAndResume(op, McallReason.Park, done);
                    break;
                }
                case IoOp io:
                {
                    // The read: the service opens and arms the fd and the g parks in netpollblock (1); once netpoll
                    // readied it, the second call (a0 = 0) consumes the reply and closes the fd.
                    var start = Marker(op);
                    CallService(_svc.Io, io.Micros, start);
                    var done = _a.CreateLabel();
                    _a.jz(done);
                    McallAndResume(op, McallReason.Park, _a.CreateLabel());
                    CallService(_svc.Io, 0, start);
                    _a.Label(ref done);
                    _a.nop();
                    break;
                }
                case ExitOp:
                {
                    var start = Marker(op);
                    _a.lea(rax, __[start]);
                    _a.mov(ecx, (int)McallReason.Exit);
                    _a.mov(r11, (ulong)_stubs.Mcall);
                    _a.jmp(r11);
                    _resume.Add((start, op.Point));
                    break;
                }
                case SendOp send:
                {
                    Marker(op);
                    EmitSendValue();
                    ChanOp(op, _svc.ChanSend, _w.ChannelIndex(send.Chan));
                    break;
                }
                case RecvOp recv:
                {
                    Marker(op);
                    ChanOp(op, _svc.ChanRecv, _w.ChannelIndex(recv.Chan));
                    break;
                }
                case CloseOp close:
                {
                    Marker(op);
                    CallChanService(_svc.ChanClose, _w.ChannelIndex(close.Chan), slot: false);
                    break;
                }
                case SelectOp sel:
                {
                    Select(sel, depth);
                    break;
                }
                default:
                    throw new NotSupportedException($"op {op.GetType().Name}");
            }
        }

        /// <summary>A select: the selectgo service returns the case index or SelectParks; a parked select resumes
        /// into selectgo's pass 3 (the SelectWoken service), which returns the case index. Then a jump table runs the
        /// case's block in this frame, and every case continues after the select.</summary>
        private void Select(SelectOp sel, int depth)
        {
            var number = _selectNumbers[sel.Point];
            Marker(sel);
            if (sel.HasSend) EmitSendValue();
            CallChanService(_svc.Select, number, slot: true);
            var dispatch = _a.CreateLabel();
            _a.cmp(rax, (int)RuntimeServices.SelectParks);
            _a.jne(dispatch);
            McallAndResume(sel, McallReason.Park, _a.CreateLabel());
            CallChanService(_svc.SelectWoken, number, slot: true);
            _a.Label(ref dispatch);
            _markers.Add((dispatch, sel.Point));
            var cases = sel.CaseOps.ToArray();
            var labels = new Label[cases.Length];
            for (var i = 0; i < cases.Length; i++)
            {
                labels[i] = _a.CreateLabel();
                _a.cmp(rax, i);
                _a.je(labels[i]);
            }
            _a.jmp(_fatal); // no case has that index: impossible unless the service broke its contract
            var end = _a.CreateLabel();
            for (var i = 0; i < cases.Length; i++)
            {
                _a.Label(ref labels[i]);
                _markers.Add((labels[i], cases[i].Point));
                _a.nop();
                Block(cases[i].Body, depth);
                if (i == cases.Length - 1) break;
                var jump = _a.CreateLabel();
                _a.Label(ref jump);
                _markers.Add((jump, sel.Point));
                _a.jmp(end);
            }
            _a.Label(ref end);
            _markers.Add((end, sel.Point));
            _a.nop();
        }
    }
}
