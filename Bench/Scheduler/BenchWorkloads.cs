using Model.Workload;

namespace Bench.Scheduler;

/// <summary>
/// The workloads that time Checker's scheduler, each the workload-language twin of a Go peer in peers/go/main.go.
/// Sizes are parameters: <see cref="WorkloadTimer"/> runs each at a size large enough to dwarf a run's fixed cost, and at
/// size 1 to measure that cost.
/// </summary>
public static class BenchWorkloads
{
    /// <summary>Two goroutines yielding <paramref name="n"/> times each on one P: 2n Gosched calls (Go: gosched).</summary>
    public static Workload Gosched(int n) => Parse($$"""
        main { go peer; repeat {{n}} { yield } }
        peer { repeat {{n}} { yield } }
        """);

    /// <summary>
    /// <paramref name="batches"/> × 1000 goroutines created, run and exited; main yields after each batch of 1000 so the
    /// batch runs before the next is created (Go: spawn-exit, whose batches are joined by a WaitGroup).
    /// </summary>
    public static Workload SpawnExit(int batches) => Parse($$"""
        main { repeat {{batches}} { repeat 1000 { go child }; yield } }
        child { }
        """);

    /// <summary>Batches of 1000 goroutines that each make 30 nested calls of 1,900-byte frames (about 58 KB): every one's
    /// stack grows from 2 KiB to 64 KiB through five doublings (Go: grow, the same frames).</summary>
    public static Workload Grow(int batches) => Parse($$"""
        main { repeat {{batches}} { repeat 1000 { go child }; yield } }
        child { {{string.Concat(Enumerable.Repeat("call 1900 { ", 30))}}{{new string('}', 30)}} }
        """);

    /// <summary>A token handed back and forth <paramref name="n"/> times each way with release/acquire: 2n hand-offs (Go: pingpong).</summary>
    public static Workload PingPong(int n) => Parse($$"""
        main { go peer; repeat {{n}} { release ping; acquire pong } }
        peer { repeat {{n}} { acquire ping; release pong } }
        """);

    /// <summary>Capacity of <see cref="ChanBuffered"/>'s channel (Go: chan-buffered's make(chan int, 128)).</summary>
    public const int BufferedCapacity = 128;

    /// <summary>
    /// A value sent back and forth <paramref name="n"/> times each way over two unbuffered channels: 2n one-way messages,
    /// each a chansend that finds its partner parked in chanrecv (Go: pingpong).
    /// </summary>
    public static Workload ChanPingPong(int n) => Parse($$"""
        chan ping 0
        chan pong 0
        main { go peer; repeat {{n}} { send ping; recv pong } }
        peer { repeat {{n}} { recv ping; send pong } }
        """);

    /// <summary>
    /// One producer (main) sends <paramref name="n"/> values into a channel of capacity <see cref="BufferedCapacity"/>
    /// that one consumer drains: n messages (Go: chan-buffered). The run ends when both have finished, so no done
    /// channel is needed as in Go, where main's return would end the program.
    /// </summary>
    public static Workload ChanBuffered(int n) => Parse($$"""
        chan c {{BufferedCapacity}}
        main { go consumer; repeat {{n}} { send c } }
        consumer { repeat {{n}} { recv c } }
        """);

    /// <summary>
    /// <see cref="ChanPingPong"/> with every receive a two-case select (selectgo): the channel the partner sends on and a
    /// quit channel nobody sends on, one per side; the sends are plain. 2n one-way messages (Go: chan-select).
    /// </summary>
    public static Workload ChanSelect(int n) => Parse($$"""
        chan ping 0
        chan pong 0
        chan quit_main 0
        chan quit_peer 0
        main { go peer; repeat {{n}} { send ping; select { recv pong; recv quit_main } } }
        peer { repeat {{n}} { select { recv ping; recv quit_peer }; send pong } }
        """);

    /// <summary>
    /// Two goroutines that each read <paramref name="n"/> times with <c>io 1</c>: 2n reads, each a fresh timerfd armed
    /// 1 µs ahead and registered with the run's epoll, the g parked on its pollDesc until netpoll readies it (Go:
    /// io-timerfd; io-pipe is Go's pipe round trip).
    /// </summary>
    public static Workload Io(int n) => Parse($$"""
        main { go reader; repeat {{n}} { io 1 } }
        reader { repeat {{n}} { io 1 } }
        """);

    /// <summary>One goroutine sleeping 1 µs <paramref name="n"/> times: n timers on its P's heap, each waited for by the M
    /// in netpoll(delay) when nothing else is runnable (Go: sleep, time.Sleep(time.Microsecond)).</summary>
    public static Workload Sleep(int n) => Parse($$"""
        main { repeat {{n}} { sleep 1 } }
        """);

    /// <summary>
    /// <paramref name="count"/> goroutines that each report "started" and then park in <c>acquire gate</c>. Main waits for
    /// all of them, so at that moment every one is parked (the resident-set peak), then releases them all.
    /// </summary>
    public static Workload Parked(int count) => Parse($$"""
        main { repeat {{count}} { go sleeper }; repeat {{count}} { acquire started }; repeat {{count}} { release gate } }
        sleeper { release started; acquire gate }
        """);

    /// <summary>Goroutines created by <see cref="Steal"/> in the stealing suite.</summary>
    public const int StealGoroutines = 20_000;

    /// <summary>
    /// main creates <paramref name="count"/> goroutines that each compute a little, yield and compute again; on several Ps
    /// the idle ones must steal from main's P to help.
    /// </summary>
    public static Workload Steal(int count) => Parse($$"""
        main { repeat {{count}} { go worker } }
        worker { work 200; yield; work 200 }
        """);

    static Workload Parse(string text) => WorkloadParser.Parse(text.Replace("\r", "", StringComparison.Ordinal), "bench");
}
