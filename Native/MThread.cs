using System.Runtime.InteropServices;
using Native.Layout;
using Native.Posix;

namespace Native;

/// <summary>The body an <see cref="MThread"/> runs on its g0 (the scheduler loop).</summary>
public unsafe delegate void MBody(M* m);

/// <summary>
/// An M: a dedicated .NET thread (never the main thread) whose own stack is g0 (Go's newm/mstart). Before running its
/// body it blocks the asynchronous, process-directed signals with pthread_sigmask (native-notes rule 9), so the kernel
/// delivers them to another thread instead of onto a goroutine stack. SIGRTMIN (the CLR's activation signal) and the
/// synchronous signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) are never blocked. SIGRTMIN's handler runs on the
/// M's alternate signal stack instead (<see cref="SignalStack"/>: a 32 KiB gsignal stack per M, SA_ONSTACK on the
/// handler), so no signal frame lands on a goroutine stack (rule 13 in Native/README.md).
/// </summary>
public sealed unsafe class MThread : IDisposable
{
    /// <summary>The signals blocked on every M (Linux x86-64 numbers).</summary>
    public static readonly IReadOnlyList<int> BlockedSignals =
    [
        1,  // SIGHUP
        2,  // SIGINT
        3,  // SIGQUIT
        10, // SIGUSR1
        12, // SIGUSR2
        13, // SIGPIPE
        14, // SIGALRM
        15, // SIGTERM
        17, // SIGCHLD
        18, // SIGCONT
        20, // SIGTSTP
        21, // SIGTTIN
        22, // SIGTTOU
        23, // SIGURG
        26, // SIGVTALRM
        27, // SIGPROF
        28, // SIGWINCH
        29, // SIGIO
        30, // SIGPWR
    ];

    private readonly Thread _thread;
    private readonly MBody _body;
    private readonly bool _ownsM;
    private Exception? _failure;
    private bool _disposed;

    private MThread(M* m, bool ownsM, MBody body, string name)
    {
        M = m;
        _ownsM = ownsM;
        _body = body;
        _thread = new Thread(Run, maxStackSize: 4 * 1024 * 1024) { Name = name, IsBackground = true };
    }

    /// <summary>The M record this thread runs.</summary>
    public M* M { get; }

    /// <summary>The exception the body threw, if any (available after <see cref="Join()"/>).</summary>
    public Exception? Failure => _failure;

    /// <summary>Mirrors runtime.newm + mstart (proc.go): allocates an M (unless one is given), starts the thread, and
    /// runs <paramref name="body"/> on it with the asynchronous signals blocked.</summary>
    public static MThread Start(long id, MBody body, M* m = null)
    {
        var owns = m == null;
        if (owns)
        {
            m = Records.NewM(id);
        }

        var t = new MThread(m, owns, body, $"M{id}");
        t._thread.Start();
        return t;
    }

    /// <summary>Waits for the body to finish; rethrows its exception wrapped, naming the M.</summary>
    public void Join()
    {
        _thread.Join();
        if (_failure != null)
        {
            throw new InvalidOperationException($"{_thread.Name} failed: {_failure.Message}", _failure);
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/>; false if the thread is still running.</summary>
    public bool Join(TimeSpan timeout) => _thread.Join(timeout);

    /// <summary>Blocks <see cref="BlockedSignals"/> on the calling thread. Returns the previous mask's first word.</summary>
    public static ulong BlockAsyncSignals()
    {
        var set = stackalloc ulong[Libc.SigsetWords];
        var old = stackalloc ulong[Libc.SigsetWords];
        new Span<ulong>(set, Libc.SigsetWords).Clear();
        foreach (var s in BlockedSignals)
        {
            set[(s - 1) / 64] |= 1UL << ((s - 1) % 64);
        }

        var err = Libc.PthreadSigmask(Libc.SigBlock, set, old);
        if (err != 0)
        {
            throw new InvalidOperationException($"newm: pthread_sigmask failed, errno {err}");
        }

        return old[0];
    }

    /// <summary>The calling thread's current signal mask (first 64 signals), for tests.</summary>
    public static ulong CurrentSignalMask()
    {
        var old = stackalloc ulong[Libc.SigsetWords];
        var err = Libc.PthreadSigmask(Libc.SigBlock, null, old);
        if (err != 0)
        {
            throw new InvalidOperationException($"pthread_sigmask failed, errno {err}");
        }

        return old[0];
    }

    /// <summary>Frees the M record if this MThread allocated it. Call after <see cref="Join()"/>.</summary>
    public void Dispose()
    {
        if (_ownsM && !_disposed && !_thread.IsAlive)
        {
            _disposed = true;
            Records.FreeM(M);
        }
    }

    /// <summary>Lowest address of this M's alternate signal stack (<see cref="SignalStack.Size"/> bytes), 0 until the
    /// thread installed it.</summary>
    public nint SignalStackLo => Volatile.Read(ref _signalStackLo);

    private nint _signalStackLo;

    private void Run()
    {
        try
        {
            BlockAsyncSignals();
            // Go's minit: the gsignal stack, and (once per process) SA_ONSTACK on the handlers that can fire here.
            SignalStack.EnsureOnStackHandlers();
            var alt = SignalStack.InstallOnCurrentThread();
            Volatile.Write(ref _signalStackLo, alt.Lo);
            try
            {
                _body(M);
            }
            finally
            {
                SignalStack.Restore(alt);
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }
}
