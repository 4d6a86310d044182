using System.Runtime.InteropServices;

namespace Native.Posix;

/// <summary>The few libc calls Native needs (Linux x86-64, glibc). Constants are Linux's.</summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc.so.6";

    public const int ProtNone = 0;
    public const int ProtRead = 1;
    public const int ProtWrite = 2;
    public const int ProtExec = 4;

    public const int MapPrivate = 0x02;
    public const int MapAnonymous = 0x20;
    public const int MapNoReserve = 0x4000;
    public const int MapStack = 0x20000;

    public const int SigBlock = 0;
    public const int SigSetMask = 2;

    public const int MadvDontNeed = 4;

    public static readonly nint MapFailed = -1;

    [LibraryImport(Lib, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport(Lib, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint addr, nuint length);

    [LibraryImport(Lib, EntryPoint = "mprotect", SetLastError = true)]
    public static partial int Mprotect(nint addr, nuint length, int prot);

    [LibraryImport(Lib, EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(nint addr, nuint length, int advice);

    /// <summary>pthread_sigmask(how, set, oldset); returns an errno value (0 on success), not -1.</summary>
    [LibraryImport(Lib, EntryPoint = "pthread_sigmask")]
    public static partial int PthreadSigmask(int how, ulong* set, ulong* oldset);

    /// <summary>sigaltstack(ss, old_ss) (0 or -1 with errno). <see cref="StackT"/> is the kernel's and glibc's stack_t.</summary>
    [LibraryImport(Lib, EntryPoint = "sigaltstack", SetLastError = true)]
    public static partial int Sigaltstack(StackT* ss, StackT* oldSs);

    /// <summary>glibc's sigaction(sig, act, oldact); <see cref="SigactionT"/> is glibc's struct sigaction (152 bytes).</summary>
    [LibraryImport(Lib, EntryPoint = "sigaction", SetLastError = true)]
    public static partial int Sigaction(int sig, SigactionT* act, SigactionT* oldact);

    /// <summary>SIGRTMIN as glibc reports it at run time (34 with NPTL; the CLR's INJECT_ACTIVATION_SIGNAL).</summary>
    [LibraryImport(Lib, EntryPoint = "__libc_current_sigrtmin")]
    public static partial int CurrentSigrtmin();

    [LibraryImport(Lib, EntryPoint = "pthread_self")]
    public static partial nint PthreadSelf();

    /// <summary>pthread_getattr_np(thread, attr): an errno value (0 on success). attr is 56 bytes on x86-64.</summary>
    [LibraryImport(Lib, EntryPoint = "pthread_getattr_np")]
    public static partial int PthreadGetattrNp(nint thread, void* attr);

    /// <summary>pthread_attr_getstack(attr, &amp;lowest usable address, &amp;size): the stack without its guard.</summary>
    [LibraryImport(Lib, EntryPoint = "pthread_attr_getstack")]
    public static partial int PthreadAttrGetstack(void* attr, nint* stackaddr, nuint* stacksize);

    [LibraryImport(Lib, EntryPoint = "pthread_attr_destroy")]
    public static partial int PthreadAttrDestroy(void* attr);

    /// <summary>pthread_attr_t's size on x86-64 glibc (56), rounded up.</summary>
    public const int PthreadAttrBytes = 64;

    public const int SaOnStack = 0x0800_0000;
    public const int SaSigInfo = 4;
    public const int SsOnStack = 1;
    public const int SsDisable = 2;

    /// <summary>stack_t (x86-64): ss_sp, ss_flags, ss_size.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct StackT
    {
        public nint Sp;
        public int Flags;
        public nuint Size;
    }

    /// <summary>glibc's struct sigaction (x86-64): handler, 1024-bit mask, flags, restorer.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 152)]
    public struct SigactionT
    {
        [FieldOffset(0)] public nint Handler;
        [FieldOffset(136)] public int Flags;
        [FieldOffset(144)] public nint Restorer;
    }

    /// <summary>glibc's sigset_t is 1024 bits.</summary>
    public const int SigsetWords = 16;

    /// <summary>Maps <paramref name="length"/> bytes read-write, private and anonymous; throws on failure.</summary>
    public static nint MapOrThrow(nuint length, int flags, string what)
    {
        var p = Mmap(0, length, ProtRead | ProtWrite, MapPrivate | MapAnonymous | flags, -1, 0);
        if (p == MapFailed)
        {
            throw new OutOfMemoryException($"{what}: mmap of {length} bytes failed, errno {Marshal.GetLastPInvokeError()}");
        }

        return p;
    }

    /// <summary>mprotect that throws on failure, naming what it protected.</summary>
    public static void ProtectOrThrow(nint addr, nuint length, int prot, string what)
    {
        if (Mprotect(addr, length, prot) != 0)
        {
            throw new InvalidOperationException($"{what}: mprotect({addr:x}, {length}, {prot}) failed, errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public static int PageSize => Environment.SystemPageSize;
}
