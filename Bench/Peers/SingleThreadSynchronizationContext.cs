namespace Bench.Peers;

/// <summary>
/// A synchronization context that runs every posted continuation on the one thread that calls <see cref="Run"/>:
/// .NET's closest analogue of GOMAXPROCS=1, used to time <c>await Task.Yield()</c>.
/// </summary>
public sealed class SingleThreadSynchronizationContext : SynchronizationContext
{
    readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    readonly object _lock = new();

    /// <inheritdoc/>
    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_lock) _queue.Enqueue((d, state));
    }

    /// <inheritdoc/>
    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException("Send is not used by the benchmarks");

    /// <summary>Starts <paramref name="start"/> with this context current and pumps continuations until its task completes.</summary>
    public static void Run(Func<Task> start)
    {
        var previous = Current;
        var ctx = new SingleThreadSynchronizationContext();
        SetSynchronizationContext(ctx);
        try
        {
            var task = start();
            while (!task.IsCompleted)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (ctx._lock)
                {
                    if (!ctx._queue.TryDequeue(out item))
                        throw new InvalidOperationException("single-threaded context ran dry before its task completed");
                }
                item.Callback(item.State);
            }
            task.GetAwaiter().GetResult();
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
