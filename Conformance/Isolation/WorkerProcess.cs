using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;

namespace Conformance.Isolation;

/// <summary>
/// The checker's side of one worker process: its pipes, a reader thread that turns stdout into frames, a reader
/// thread that keeps the last lines of stderr, and how it ended.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    /// <summary>How many stderr lines a crash report keeps.</summary>
    public const int StderrLines = 40;

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly BlockingCollection<Frame> _frames = new();
    private readonly Queue<string> _stderr = new();
    private readonly Thread _stdoutReader;
    private readonly Thread _stderrReader;
    private int _exited;

    private WorkerProcess(Process process)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        Pid = process.Id;
        var stdout = process.StandardOutput.BaseStream;
        _stdoutReader = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    var f = WorkerProtocol.ReadFrame(stdout);
                    _frames.Add(f);
                    if (f.IsEnd) return;
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
            {
                _frames.Add(Frame.End); // a garbled or broken pipe: the process is as good as gone
            }
        }) { IsBackground = true, Name = $"worker {Pid} stdout" };
        _stderrReader = new Thread(() =>
        {
            try
            {
                while (process.StandardError.ReadLine() is { } line)
                {
                    lock (_stderr)
                    {
                        _stderr.Enqueue(line);
                        while (_stderr.Count > StderrLines) _stderr.Dequeue();
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException) { }
        }) { IsBackground = true, Name = $"worker {Pid} stderr" };
        _stdoutReader.Start();
        _stderrReader.Start();
    }

    public int Pid { get; }

    /// <summary>Runs served by this process.</summary>
    public int Runs { get; set; }

    public static WorkerProcess Start(WorkerLaunch launch, string traceFile, TimeSpan helloTimeout)
    {
        var info = launch.StartInfo("--trace", traceFile, "--parent", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start a worker ({launch.FileName})");
        var w = new WorkerProcess(process);
        var hello = w.Receive(helloTimeout);
        if (hello is null || hello.IsEnd || hello.Type != FrameType.Hello)
        {
            var why = hello is null ? $"no answer within {helloTimeout.TotalSeconds:0} s" : hello.IsEnd ? "it exited" : $"it sent {hello.Type}";
            w.Kill();
            var tail = string.Join("\n", w.StderrTail());
            w.Dispose();
            throw new InvalidOperationException($"a worker process ({launch.FileName} {string.Join(' ', launch.Arguments)}) did not start: {why}" +
                (tail.Length > 0 ? "\n" + tail : "") + "\n(run with --in-process to check without workers)");
        }
        var (version, build, _) = WorkerProtocol.ReadHello(hello.Payload);
        if (version != WorkerProtocol.Version || build != Replay.BuildId.Current)
        {
            w.Kill();
            w.Dispose();
            throw new InvalidOperationException($"the worker is another build (protocol {version}, build {build}; this is protocol {WorkerProtocol.Version}, build {Replay.BuildId.Current})");
        }
        return w;
    }

    /// <summary>Sends a frame; false when the pipe is broken (the process is gone).</summary>
    public bool TrySend(FrameType type, byte[] payload)
    {
        try
        {
            WorkerProtocol.WriteFrame(_stdin, type, payload);
            return true;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The next frame, <see cref="Frame.End"/> when the process closed its stdout, or null on timeout.</summary>
    public Frame? Receive(TimeSpan timeout)
    {
        if (_frames.TryTake(out var f, timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout)) return f;
        return null;
    }

    /// <summary>Forgets the stderr lines of earlier runs.</summary>
    public void ClearStderr()
    {
        lock (_stderr) _stderr.Clear();
    }

    public ImmutableArray<string> StderrTail()
    {
        lock (_stderr) return [.. _stderr];
    }

    /// <summary>Waits for the process to end (its stdout closed, so it is ending) and for stderr to drain; the exit
    /// code, or null if it had to be killed.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            return null;
        }
        _process.WaitForExit(); // the reader threads reach EOF
        _stderrReader.Join(TimeSpan.FromSeconds(2));
        Interlocked.Exchange(ref _exited, 1);
        return _process.ExitCode;
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
            _stderrReader.Join(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
        Interlocked.Exchange(ref _exited, 1);
    }

    /// <summary>Asks the process to leave (stdin closed: the worker exits at the next read), then makes sure.</summary>
    public void Stop(TimeSpan grace)
    {
        try { _stdin.Close(); }
        catch (IOException) { }
        if (!_process.WaitForExit(grace)) Kill();
    }

    public void Dispose()
    {
        if (Volatile.Read(ref _exited) == 0) Stop(TimeSpan.FromSeconds(2));
        _process.Dispose();
        // _frames is left to the GC: the reader thread may still add the end marker to it.
    }
}
