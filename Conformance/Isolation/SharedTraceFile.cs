using System.IO.MemoryMappedFiles;
using Implementation.Trace;

namespace Conformance.Isolation;

/// <summary>
/// A <see cref="TraceRegion"/> in a file both the checker and one worker map (MAP_SHARED): under /dev/shm when it
/// exists (memory, never disk), else the temp folder. The checker creates it (sparse: only the pages a run touches
/// take memory) and passes its path to the worker; what the worker recorded stays readable after the worker died.
/// One file per pool slot, reused by every worker that slot starts; deleted when the pool is disposed.
/// </summary>
public sealed class SharedTraceFile : IDisposable
{
    /// <summary>M buffers per region: more than a controlled run on 64 Ps creates in practice.</summary>
    public const int DefaultSlots = 64;

    private const string Prefix = "checker-trace-";

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly bool _owner;

    private SharedTraceFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, TraceRegion region, bool owner)
    {
        Path = path;
        _file = file;
        _view = view;
        Region = region;
        _owner = owner;
    }

    public string Path { get; }

    public TraceRegion Region { get; }

    private static string Folder => Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath();

    /// <summary>A new region file for slot <paramref name="slot"/> of this process's pool.</summary>
    public static SharedTraceFile Create(int slot, int slots = DefaultSlots, int capacity = 1 << 20)
    {
        RemoveStale();
        var path = System.IO.Path.Combine(Folder, $"{Prefix}{Environment.ProcessId}-{slot}-{Guid.NewGuid():N}");
        var bytes = TraceRegion.BytesFor(slots, capacity);
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.CreateNew, null, bytes, MemoryMappedFileAccess.ReadWrite);
        var view = file.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite);
        var region = TraceRegion.Format(Base(view), bytes, slots, capacity);
        return new SharedTraceFile(path, file, view, region, owner: true);
    }

    /// <summary>Maps a region file the checker created (in the worker).</summary>
    public static SharedTraceFile Open(string path)
    {
        var bytes = new FileInfo(path).Length;
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        var view = file.CreateViewAccessor(0, bytes, MemoryMappedFileAccess.ReadWrite);
        return new SharedTraceFile(path, file, view, TraceRegion.Open(Base(view), bytes), owner: false);
    }

    private static nint Base(MemoryMappedViewAccessor view) =>
        view.SafeMemoryMappedViewHandle.DangerousGetHandle() + (nint)view.PointerOffset;

    /// <summary>Deletes region files left by checker processes that no longer exist (killed before they could clean up).</summary>
    public static void RemoveStale()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(Folder, Prefix + "*"))
            {
                var name = System.IO.Path.GetFileName(f)[Prefix.Length..];
                var dash = name.IndexOf('-');
                if (dash <= 0 || !int.TryParse(name[..dash], out var pid) || pid == Environment.ProcessId) continue;
                if (!Directory.Exists($"/proc/{pid}")) File.Delete(f);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Someone else's file, or gone already: not ours to worry about.
        }
    }

    /// <summary>Removes the file (the creator's mappings stay valid until disposed).</summary>
    public void DeleteFile()
    {
        if (!_owner) return;
        try { File.Delete(Path); }
        catch (IOException) { }
    }

    public void Dispose()
    {
        _view.Dispose();
        _file.Dispose();
        DeleteFile();
    }
}
