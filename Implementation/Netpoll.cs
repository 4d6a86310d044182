using System.Runtime.InteropServices;

namespace Implementation;

/// <summary>
/// The epoll half of the network poller, as Go 1.19's netpoll_epoll.go: one epoll instance, an eventfd as the
/// break fd (netpollBreak writes it; netpoll drains it), and the wait. Policy (pollDescs, who polls, what readiness
/// means) stays in <see cref="Sched"/>. Every fd opened here is closed by <see cref="Dispose"/>. A failing call is
/// reported as <see cref="NetpollException"/> naming the call and errno; the scheduler turns it into a fatal error.
/// </summary>
internal sealed unsafe partial class Netpoll : IDisposable
{
    private const string Lib = "libc.so.6";
    private const int EpollCloexec = 0x80000;
    private const int EfdCloexec = 0x80000, EfdNonblock = 0x800;
    private const int EpollCtlAdd = 1, EpollCtlDel = 2;
    internal const uint EpollIn = 0x001, EpollErr = 0x008, EpollHup = 0x010, EpollRdHup = 0x2000, EpollEt = 1u << 31;
    private const int Eintr = 4, Eagain = 11;

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    internal struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Sec;
        public long Nsec;
    }

    [LibraryImport(Lib, EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport(Lib, EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, EpollEvent* ev);

    [LibraryImport(Lib, EntryPoint = "epoll_pwait2", SetLastError = true)]
    private static partial int EpollPwait2(int epfd, EpollEvent* events, int maxevents, Timespec* timeout, nint sigmask);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initval, int flags);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, void* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int fd, void* buf, nuint count);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    private struct Itimerspec
    {
        public Timespec Interval;
        public Timespec Value;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Lib, EntryPoint = "timerfd_create", SetLastError = true)]
    private static partial int TimerfdCreate(int clockid, int flags);

    [LibraryImport(Lib, EntryPoint = "timerfd_settime", SetLastError = true)]
    private static partial int TimerfdSettime(int fd, int flags, Itimerspec* newValue, Itimerspec* oldValue);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    private static partial int PollFds(PollFd* fds, nuint nfds, int timeoutMs);

    private const int ClockMonotonic = 1, TfdNonblock = 0x800, TfdCloexec = 0x80000, TfdTimerAbstime = 1;

    /// <summary>An <c>io N</c> read's fd: a non-blocking timerfd on CLOCK_MONOTONIC, registered edge-triggered for
    /// reading (netpollopen) with <paramref name="data"/> as the event's user data. Not armed yet.</summary>
    public int OpenTimerFd(ulong data)
    {
        var fd = TimerfdCreate(ClockMonotonic, TfdNonblock | TfdCloexec);
        if (fd < 0) throw Failed("timerfd_create");
        try
        {
            Open(fd, data);
        }
        catch
        {
            Close(fd);
            throw;
        }
        return fd;
    }

    /// <summary>Arms the timerfd to expire <paramref name="micros"/> µs from now (free-running runs).</summary>
    public static void ArmIn(int fd, long micros)
    {
        var its = default(Itimerspec);
        its.Value.Sec = micros / 1_000_000;
        its.Value.Nsec = micros % 1_000_000 * 1000;
        if (TimerfdSettime(fd, 0, &its, null) < 0) throw Failed("timerfd_settime");
    }

    /// <summary>Arms the timerfd at an absolute time long past (1 ns after boot), so it expires at once, and waits
    /// (poll, up to 1 s) until the kernel reports it readable: a controlled run's reply whose virtual deadline has come
    /// is then certainly seen by the next epoll_pwait2, and fds armed one after the other become ready in that order.</summary>
    public static void ArmNow(int fd)
    {
        var its = default(Itimerspec);
        its.Value.Nsec = 1;
        if (TimerfdSettime(fd, TfdTimerAbstime, &its, null) < 0) throw Failed("timerfd_settime");
        var pfd = new PollFd { Fd = fd, Events = 1 };
        while (true)
        {
            var n = PollFds(&pfd, 1, 1000);
            if (n == 1) return;
            if (n == 0) throw new NetpollException("runtime: netpoll: an armed timerfd was not ready after 1 s");
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) throw Failed("poll(timerfd)", errno);
        }
    }

    /// <summary>Mirrors netpollclose, then close: the read's fd goes away with its reply consumed or not.</summary>
    public void CloseTimerFd(int fd)
    {
        ulong v;
        Read(fd, &v, 8); // the expiry count, if any (EAGAIN when it had not expired: nothing to do)
        var ev = default(EpollEvent);
        var r = EpollCtl(_epfd, EpollCtlDel, fd, &ev);
        var errno = r < 0 ? Marshal.GetLastPInvokeError() : 0;
        Close(fd);
        if (r < 0) throw Failed("epoll_ctl(EPOLL_CTL_DEL)", errno);
    }

    private readonly int _epfd;
    private readonly int _breakFd;
    /// <summary>netpollWakeSig: 1 while a break is pending (so a burst of netpollBreak writes the eventfd once).</summary>
    private int _wakeSig;
    private int _disposed;

    /// <summary>Mirrors runtime.netpollinit (netpoll_epoll.go): epoll_create1(EPOLL_CLOEXEC), a non-blocking eventfd
    /// registered for EPOLLIN as the break fd (Go 1.19 uses a pipe; an eventfd is the same wake-up with one fd).</summary>
    public Netpoll()
    {
        _epfd = EpollCreate1(EpollCloexec);
        if (_epfd < 0) throw Failed("epoll_create1");
        _breakFd = EventFd(0, EfdCloexec | EfdNonblock);
        if (_breakFd < 0)
        {
            var e = Failed("eventfd");
            Close(_epfd);
            throw e;
        }
        var ev = new EpollEvent { Events = EpollIn, Data = ulong.MaxValue };
        if (EpollCtl(_epfd, EpollCtlAdd, _breakFd, &ev) < 0)
        {
            var e = Failed("epoll_ctl(EPOLL_CTL_ADD, break fd)");
            Close(_breakFd);
            Close(_epfd);
            throw e;
        }
    }

    /// <summary>The break fd's user data in an event.</summary>
    public const ulong BreakData = ulong.MaxValue;

    /// <summary>Mirrors runtime.netpollopen: registers fd edge-triggered for reading, with <paramref name="data"/>
    /// (the pollDesc's index) as the event's user data.</summary>
    public void Open(int fd, ulong data)
    {
        var ev = new EpollEvent { Events = EpollIn | EpollRdHup | EpollEt, Data = data };
        if (EpollCtl(_epfd, EpollCtlAdd, fd, &ev) < 0) throw Failed("epoll_ctl(EPOLL_CTL_ADD)");
    }

    /// <summary>Mirrors runtime.netpollclose.</summary>
    public void CloseFd(int fd)
    {
        var ev = default(EpollEvent);
        if (EpollCtl(_epfd, EpollCtlDel, fd, &ev) < 0) throw Failed("epoll_ctl(EPOLL_CTL_DEL)");
    }

    /// <summary>Mirrors runtime.netpollBreak: write the eventfd unless a break is already pending.</summary>
    public void Break()
    {
        if (Interlocked.CompareExchange(ref _wakeSig, 1, 0) != 0) return;
        ulong one = 1;
        while (true)
        {
            var n = Write(_breakFd, &one, 8);
            if (n == 8) return;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr) continue;
            if (errno == Eagain) return; // the counter is already non-zero: a wake-up is pending
            throw Failed("write(break eventfd)", errno);
        }
    }

    /// <summary>
    /// Mirrors runtime.netpoll(delay) (netpoll_epoll.go): delay &lt; 0 blocks, 0 polls, &gt; 0 waits up to delay µs
    /// (epoll_pwait2 takes a timespec, so unlike Go's millisecond epoll_wait a 10 µs wait is 10 µs). The break fd is
    /// drained and not reported; the other events' user data go to <paramref name="ready"/>. Returns how many. An
    /// interrupted wait with a delay returns 0 (Go: "if waitms > 0 return gList{}"), a blocking one retries.
    /// </summary>
    public int Wait(long delayMicros, Span<ulong> ready)
    {
        Span<EpollEvent> events = stackalloc EpollEvent[128];
        Timespec ts;
        Timespec* tp = null;
        if (delayMicros >= 0)
        {
            ts.Sec = delayMicros / 1_000_000;
            ts.Nsec = delayMicros % 1_000_000 * 1000;
            tp = &ts;
        }
        while (true)
        {
            int n;
            fixed (EpollEvent* ev = events) n = EpollPwait2(_epfd, ev, Math.Min(events.Length, Math.Max(ready.Length, 1) + 1), tp, 0);
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Eintr) throw Failed("epoll_pwait2", errno);
                if (delayMicros > 0) return 0;
                continue;
            }
            var count = 0;
            for (var i = 0; i < n; i++)
            {
                if (events[i].Events == 0) continue;
                if (events[i].Data == BreakData)
                {
                    if (delayMicros != 0)
                    {
                        // netpollBreak could be picked up by a non-blocking poll; only a blocking one drains it.
                        ulong v;
                        Read(_breakFd, &v, 8);
                        Volatile.Write(ref _wakeSig, 0);
                    }
                    continue;
                }
                if (count < ready.Length) ready[count++] = events[i].Data;
            }
            return count;
        }
    }

    private static NetpollException Failed(string call, int? errno = null)
    {
        var e = errno ?? Marshal.GetLastPInvokeError();
        return new NetpollException($"runtime: netpoll: {call} failed with errno {e} ({Marshal.GetPInvokeErrorMessage(e)})");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Close(_breakFd);
        Close(_epfd);
    }
}

/// <summary>A failing epoll, eventfd or timerfd call, with the call and errno (the runtime reports it as fatal, exit 4).</summary>
internal sealed class NetpollException(string message) : Exception(message);
