using System.Runtime.InteropServices;
using Iced.Intel;
using Native.Posix;
using static Iced.Intel.AssemblerRegisters;

namespace Native;

/// <summary>
/// Signals off the goroutine stack (Go's gsignal: mpreinit's <c>malg(32 * 1024)</c> and minitSignalStack, plus the
/// SA_ONSTACK that Go's setsig puts on every handler it installs). Two parts:
/// <list type="bullet">
/// <item><see cref="InstallOnCurrentThread"/>: every M thread gets a 32 KiB alternate signal stack before it runs any
/// goroutine, so a signal delivered while a goroutine runs pushes its frame there and not on a 2 KiB goroutine stack.
/// It restores the thread's previous alternate stack (the CLR's own) before the thread ends: the CLR's thread teardown
/// munmaps whatever alternate stack is current, which must be its own.</item>
/// <item><see cref="EnsureOnStackHandlers"/>, once per process before the first M runs: the handlers that can fire on
/// an M while it runs goroutine code get SA_ONSTACK. That is SIGRTMIN, the CLR's activation signal (thread suspension
/// for the GC), which the CLR installs without it; the asynchronous signals are blocked on Ms (<see cref="MThread"/>),
/// and the synchronous ones (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) fire only where the faulting code runs: in
/// goroutine code that is a bug in emitted code and the process dies either way, and in C# on g0 the CLR turns them
/// into managed exceptions, which it must dispatch on the thread's own stack (its SIGSEGV handler, the only one
/// installed with SA_ONSTACK, switches back to the interrupted stack for that), so they are left as the CLR set them.
/// The action is read back and re-installed with SA_ONSTACK added and a trampoline in front of the CLR's handler
/// (<see cref="EmitTrampoline"/>): mask, the other flags and the restorer are kept. The trampoline leaves the handler
/// on the alternate stack only when the signal interrupted a goroutine stack (sp in <see cref="StackSpace"/>) and
/// otherwise runs it on the interrupted stack, exactly where it ran before.</item>
/// </list>
/// <para>Where the alternate stack lives: at the low end of the M thread's own stack (one page above glibc's guard),
/// not in a mapping of its own. With SA_ONSTACK the activation handler runs there also when the signal interrupts C#
/// on g0, and the CLR then pushes a frame for the interrupted context on the handler's stack and may block in it while
/// the GC walks the thread; on the thread's own stack, below every managed frame, that frame lies where the CLR
/// expects one (inside the thread's stack bounds, below the frames it interrupted). The price: a managed stack
/// overflow on an M would run through the alternate stack before reaching the guard page and die without the CLR's
/// "Stack overflow" report (the scheduler's C# frames are shallow; M threads have 4 MiB stacks).</para>
/// </summary>
public static unsafe class SignalStack
{
    /// <summary>Go's signal stack size (mpreinit: malg(32 * 1024)).</summary>
    public const int Size = 32 * 1024;

    private static readonly object s_lock = new();
    private static bool s_handlersDone;
    private static int s_activationFlagsBefore = -1;

    /// <summary>The CLR's activation signal (INJECT_ACTIVATION_SIGNAL = SIGRTMIN, 34 with glibc's NPTL).</summary>
    public static int ActivationSignal { get; } = Libc.CurrentSigrtmin();

    /// <summary>sa_flags of the activation signal's handler before <see cref="EnsureOnStackHandlers"/> changed it
    /// (-1 until it ran), for the measurement in the tests and the README.</summary>
    public static int ActivationFlagsBefore => Volatile.Read(ref s_activationFlagsBefore);

    /// <summary>Adds SA_ONSTACK to the activation signal's handler, once per process (idempotent, thread-safe).
    /// Throws if sigaction fails.</summary>
    public static void EnsureOnStackHandlers()
    {
        lock (s_lock)
        {
            if (s_handlersDone)
            {
                return;
            }

            s_activationFlagsBefore = AddOnStack(ActivationSignal);
            s_handlersDone = true;
        }
    }

    /// <summary>sa_flags of <paramref name="sig"/>'s current action (for tests).</summary>
    public static int HandlerFlags(int sig)
    {
        Libc.SigactionT old;
        if (Libc.Sigaction(sig, null, &old) != 0)
        {
            throw new InvalidOperationException($"sigaction({sig}) failed, errno {Marshal.GetLastPInvokeError()}");
        }

        return old.Flags;
    }

    private static CodeRegion? s_trampoline;

    /// <summary>The trampoline now installed as the activation handler (0 before <see cref="EnsureOnStackHandlers"/>).</summary>
    public static nint Trampoline => s_trampoline?.Base ?? 0;

    /// <summary>The CLR's handler the trampoline calls (0 before <see cref="EnsureOnStackHandlers"/>).</summary>
    public static nint ActivationHandler { get; private set; }

    private static int AddOnStack(int sig)
    {
        Libc.SigactionT act;
        if (Libc.Sigaction(sig, null, &act) != 0)
        {
            throw new InvalidOperationException($"sigaction({sig}) failed, errno {Marshal.GetLastPInvokeError()}");
        }

        var before = act.Flags;
        // SIG_DFL (0) and SIG_IGN (1) push no frame; only a real handler needs the flag.
        if (act.Handler is 0 or 1 || (act.Flags & Libc.SaOnStack) != 0)
        {
            return before;
        }

        ActivationHandler = act.Handler;
        s_trampoline = EmitTrampoline(act.Handler, StackSpace.Lo, StackSpace.Hi);
        act.Handler = s_trampoline.Base;
        act.Flags |= Libc.SaOnStack | Libc.SaSigInfo;
        if (Libc.Sigaction(sig, &act, null) != 0)
        {
            throw new InvalidOperationException($"sigaction({sig}, SA_ONSTACK) failed, errno {Marshal.GetLastPInvokeError()}");
        }

        return before;
    }

    /// <summary>Offset of the interrupted rsp in the ucontext_t the kernel passes (uc_mcontext.gregs[REG_RSP]:
    /// uc_flags 8 + uc_link 8 + uc_stack 24 + 15 registers × 8).</summary>
    internal const int UcontextRsp = 40 + 15 * 8;

    /// <summary>
    /// The handler installed for SIGRTMIN, in front of the CLR's. SA_ONSTACK is a property of the handler, so it moves
    /// the activation onto the alternate stack of every thread that has one, CLR threads included; the CLR expects its
    /// handler to run on the interrupted stack (it pushes frames for the interrupted context and blocks there while the
    /// GC walks the thread; its own alternate stacks are 16 KiB and the handler goes 14 KiB deep then). So:
    /// <code>
    /// sigtramp:   In: RDI = sig, RSI = siginfo, RDX = ucontext (SysV, from the kernel).
    ///   mov rax,[rdx+UcontextRsp]      ; the interrupted sp
    ///   mov rcx,StackSpace.Lo ; cmp rax,rcx ; jb not_g
    ///   mov rcx,StackSpace.Hi ; cmp rax,rcx ; jae not_g
    ///   jmp [clr]                      ; on a goroutine stack: the CLR's handler runs here, on the alternate stack
    /// not_g:                           ; (its check finds no managed code there and it returns)
    ///   mov rcx,rax ; sub rcx,rsp ; cmp rcx,0x10000 ; jb same  ; already on the interrupted stack (no alternate
    ///                                  ; stack, or a signal nested on the alternate stack): nothing to move
    ///   push rbp ; mov rbp,rsp
    ///   sub rax,128 ; and rax,-16 ; mov rsp,rax   ; below the interrupted sp's red zone, as without SA_ONSTACK
    ///   call [clr]                     ; RDI, RSI, RDX untouched: the CLR's handler sees the kernel's arguments
    ///   mov rsp,rbp ; pop rbp ; ret    ; back to the kernel's frame on the alternate stack: rt_sigreturn
    /// same:
    ///   jmp [clr]
    /// clr: dq the CLR's handler
    /// </code>
    /// Known limit, shared with the CLR's own SIGSEGV handler when it moves to the interrupted stack: a second
    /// SA_ONSTACK signal (SIGSEGV) taken while the CLR's handler runs there would start again at the top of the
    /// alternate stack, over the first signal's frame. The CLR's activation handler runs no managed code.
    /// </summary>
    private static CodeRegion EmitTrampoline(nint clrHandler, nint lo, nint hi)
    {
        var a = new Assembler(64);
        var start = a.CreateLabel();
        var notG = a.CreateLabel();
        var same = a.CreateLabel();
        var clr = a.CreateLabel();
        a.Label(ref start);
        a.mov(rax, __qword_ptr[rdx + UcontextRsp]);
        a.mov(rcx, (ulong)lo);
        a.cmp(rax, rcx);
        a.jb(notG);
        a.mov(rcx, (ulong)hi);
        a.cmp(rax, rcx);
        a.jae(notG);
        a.jmp(__qword_ptr[clr]);
        a.Label(ref notG);
        a.mov(rcx, rax);
        a.sub(rcx, rsp);
        a.cmp(rcx, 0x10000);
        a.jb(same);
        a.push(rbp);
        a.mov(rbp, rsp);
        a.sub(rax, 128);
        a.and(rax, -16);
        a.mov(rsp, rax);
        a.call(__qword_ptr[clr]);
        a.mov(rsp, rbp);
        a.pop(rbp);
        a.ret();
        a.Label(ref same);
        a.jmp(__qword_ptr[clr]);
        a.Label(ref clr);
        a.dq((ulong)clrHandler);
        return CodeRegion.Assemble(a, new Dictionary<string, Label> { ["sigtramp"] = start });
    }

    /// <summary>A thread's installed alternate stack and the one it replaced.</summary>
    public readonly struct Installed
    {
        internal Installed(nint lo, Libc.StackT previous)
        {
            Lo = lo;
            Previous = previous;
        }

        /// <summary>Lowest address of the alternate stack (its size is <see cref="Size"/>).</summary>
        public nint Lo { get; }

        /// <summary>One past its highest address.</summary>
        public nint Hi => Lo + Size;

        internal Libc.StackT Previous { get; }
    }

    /// <summary>Mirrors minitSignalStack (signal_unix.go): gives the calling thread a <see cref="Size"/>-byte
    /// alternate signal stack at the low end of its own stack. Undo with <see cref="Restore"/> on the same thread before
    /// it ends. Throws if the thread's stack is too small or a call fails.</summary>
    public static Installed InstallOnCurrentThread()
    {
        var attr = stackalloc byte[Libc.PthreadAttrBytes];
        var err = Libc.PthreadGetattrNp(Libc.PthreadSelf(), attr);
        if (err != 0)
        {
            throw new InvalidOperationException($"minitSignalStack: pthread_getattr_np failed, errno {err}");
        }

        nint lo;
        nuint size;
        err = Libc.PthreadAttrGetstack(attr, &lo, &size);
        Libc.PthreadAttrDestroy(attr);
        if (err != 0)
        {
            throw new InvalidOperationException($"minitSignalStack: pthread_attr_getstack failed, errno {err}");
        }

        var page = Libc.PageSize;
        var altLo = lo + page;
        var sp = (nint)(&lo);
        if (sp - (altLo + Size) < 256 * 1024)
        {
            throw new InvalidOperationException(
                $"minitSignalStack: the thread's stack [{lo:x}, {lo + (nint)size:x}) leaves too little room below sp {sp:x} for a {Size}-byte signal stack");
        }

        Libc.StackT ss = new() { Sp = altLo, Size = Size, Flags = 0 };
        Libc.StackT old;
        if (Libc.Sigaltstack(&ss, &old) != 0)
        {
            throw new InvalidOperationException($"minitSignalStack: sigaltstack failed, errno {Marshal.GetLastPInvokeError()}");
        }

        return new Installed(altLo, old);
    }

    /// <summary>Mirrors unminitSignals' restoration of the signal stack: puts back the alternate stack
    /// <see cref="InstallOnCurrentThread"/> replaced (or disables it if there was none).</summary>
    public static void Restore(in Installed installed)
    {
        var prev = installed.Previous;
        if ((prev.Flags & Libc.SsDisable) != 0)
        {
            prev = new Libc.StackT { Flags = Libc.SsDisable, Size = Size };
        }
        else
        {
            prev.Flags = 0;
        }

        if (Libc.Sigaltstack(&prev, null) != 0)
        {
            throw new InvalidOperationException($"unminit: sigaltstack restore failed, errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The calling thread's current alternate stack: (sp, size, flags).</summary>
    public static (nint Sp, nuint Size, int Flags) Current()
    {
        Libc.StackT old;
        if (Libc.Sigaltstack(null, &old) != 0)
        {
            throw new InvalidOperationException($"sigaltstack failed, errno {Marshal.GetLastPInvokeError()}");
        }

        return (old.Sp, old.Size, old.Flags);
    }
}
