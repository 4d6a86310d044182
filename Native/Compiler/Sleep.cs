using System.Runtime.InteropServices;

namespace Native.Compiler;

/// <summary>
/// libc's usleep: the real blocking call behind the workload's <c>syscall N</c> (called from emitted code on the
/// goroutine stack), and the runtime's short sleeps (runqgrab's usleep(3), sysmon's delay).
/// </summary>
public static unsafe partial class Sleep
{
    private static readonly nint s_usleep = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "usleep");

    /// <summary>Address of libc's <c>int usleep(useconds_t)</c>, for emitted code.</summary>
    public static nint UsleepAddress => s_usleep;

    /// <summary>Sleeps about <paramref name="micros"/> microseconds in the kernel (the calling thread blocks).</summary>
    public static void Usleep(uint micros) => ((delegate* unmanaged<uint, int>)s_usleep)(micros);
}
