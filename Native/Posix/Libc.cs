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
