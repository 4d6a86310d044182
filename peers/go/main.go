// Command gopeer times the Go runtime's own versions of the operations that Checker's runtime benchmarks:
//
//	gosched      two goroutines calling runtime.Gosched in turn (GOMAXPROCS=1); ns per Gosched
//	spawn-exit   go f() + run + exit, in batches of 1000 joined by a WaitGroup; ns per goroutine
//	pingpong     two goroutines handing a token back and forth over unbuffered channels; ns per hand-off
//	             (-n round trips, 2n one-way messages)
//	chan-buffered
//	             one producer sending -n values into a channel of capacity 128, one consumer receiving them; ns per message
//	chan-select  pingpong where each side receives with a two-case select: the channel its partner sends on and one
//	             nobody sends on (a quit channel); ns per one-way message (-n round trips, 2n messages)
//	bytes-per-parked-goroutine
//	             100,000 goroutines parked on a channel receive; resident set growth / count, in bytes
//	io-pipe      two goroutines handing a byte back and forth over two os.Pipe pairs: each read finds its pipe empty
//	             and parks in the network poller (netpollblock), the partner's write makes the fd ready, and netpoll in
//	             findrunnable readies the reader; ns per one-way message (-n round trips, 2n messages)
//	io-timerfd   two goroutines reading, -n times in all, a fresh non-blocking timerfd armed to expire 1 µs later,
//	             wrapped by os.NewFile (pollable: registered with the epoll), then closed: what Checker's `io 1` does;
//	             ns per read
//	sleep        time.Sleep(time.Microsecond) -n times in a loop; ns per sleep
//
// Each prints one line "RESULT <operation> <value> <unit>"; the time figures are the median over -reps runs.
// Only the standard library is used, so `go build main.go` needs no module download.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

func gosched(n int) float64 {
	var wg sync.WaitGroup
	wg.Add(2)
	start := time.Now()
	for k := 0; k < 2; k++ {
		go func() {
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	return float64(time.Since(start).Nanoseconds()) / float64(2*n)
}

func spawnExit(n int) float64 {
	const batch = 1000
	batches := (n + batch - 1) / batch
	var wg sync.WaitGroup
	start := time.Now()
	for b := 0; b < batches; b++ {
		wg.Add(batch)
		for i := 0; i < batch; i++ {
			go wg.Done()
		}
		wg.Wait()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(batches*batch)
}

// frame is one of grow's 30 nested calls: a 1,900-byte frame (Go zeroes the array; ours touches one word of it).
//
//go:noinline
func frame(n int) byte {
	var buf [1900]byte
	buf[n%len(buf)] = byte(n)
	if n > 0 {
		return frame(n-1) + buf[(n*7)%len(buf)]
	}
	return buf[0]
}

// grow: goroutines that each make 30 nested calls of 1,900-byte frames (about 58 KB), so each one's stack grows from
// 2 KiB to 64 KiB through five doublings (a reused g's grown stack was freed by gfput), in batches of 1000.
func grow(n int) float64 {
	const batch = 1000
	batches := (n + batch - 1) / batch
	var wg sync.WaitGroup
	var sum [batch]byte
	start := time.Now()
	for b := 0; b < batches; b++ {
		wg.Add(batch)
		for i := 0; i < batch; i++ {
			i := i
			go func() {
				sum[i] += frame(29)
				wg.Done()
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	if sum[0] == 255 && sum[1] == 255 {
		fmt.Fprintln(os.Stderr, "") // keeps sum live
	}
	return float64(elapsed.Nanoseconds()) / float64(batches*batch)
}

func pingpong(n int) float64 {
	ping := make(chan int)
	pong := make(chan int)
	go func() {
		for v := range ping {
			pong <- v
		}
		close(pong)
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	elapsed := time.Since(start)
	close(ping)
	<-pong
	return float64(elapsed.Nanoseconds()) / float64(2*n)
}

// chanBuffered: main sends n values into a buffered channel (capacity 128) that one goroutine drains; the clock stops
// when the consumer has received the last one.
func chanBuffered(n int) float64 {
	c := make(chan int, 128)
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			<-c
		}
		close(done)
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		c <- i
	}
	<-done
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// chanSelect is pingpong with every receive a two-case select (selectgo): the partner's channel and a quit channel
// that nobody sends on, as in `select { case v := <-in: ... case <-quit: return }`. The sends are plain.
func chanSelect(n int) float64 {
	ping := make(chan int)
	pong := make(chan int)
	quitMain := make(chan int)
	quitPeer := make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < n; i++ {
			var v int
			select {
			case v = <-ping:
			case <-quitPeer:
			}
			pong <- v
		}
		close(done)
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		select {
		case <-pong:
		case <-quitMain:
		}
	}
	elapsed := time.Since(start)
	<-done
	return float64(elapsed.Nanoseconds()) / float64(2*n)
}

// rssBytes reads the resident set size from /proc/self/statm (its second field, in pages).
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		fmt.Fprintln(os.Stderr, "gopeer:", err)
		os.Exit(1)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gopeer: bad /proc/self/statm:", err)
		os.Exit(1)
	}
	return pages * int64(os.Getpagesize())
}

func bytesPerParked(count int) float64 {
	runtime.GC()
	before := rssBytes()
	release := make(chan struct{})
	var started, done sync.WaitGroup
	started.Add(count)
	done.Add(count)
	for i := 0; i < count; i++ {
		go func() {
			started.Done()
			<-release // parked here: gopark in chanrecv
			done.Done()
		}()
	}
	started.Wait()
	runtime.Gosched()
	after := rssBytes()
	close(release)
	done.Wait()
	return float64(after-before) / float64(count)
}

// ioPipe: main writes a byte into ping and reads pong; the peer reads ping and writes the byte into pong. A read
// that finds its pipe empty parks its goroutine on the pipe's pollDesc ("IO wait"); only netpoll readies it again.
func ioPipe(n int) float64 {
	pingR, pingW, err := os.Pipe()
	check(err)
	pongR, pongW, err := os.Pipe()
	check(err)
	done := make(chan struct{})
	go func() {
		var b [1]byte
		for i := 0; i < n; i++ {
			_, err := io.ReadFull(pingR, b[:])
			check(err)
			_, err = pongW.Write(b[:])
			check(err)
		}
		close(done)
	}()
	var b [1]byte
	start := time.Now()
	for i := 0; i < n; i++ {
		_, err := pingW.Write(b[:])
		check(err)
		_, err = io.ReadFull(pongR, b[:])
		check(err)
	}
	elapsed := time.Since(start)
	<-done
	for _, f := range []*os.File{pingR, pingW, pongR, pongW} {
		f.Close()
	}
	return float64(elapsed.Nanoseconds()) / float64(2*n)
}

// ioTimerfd: Checker's `io 1` written in Go, by two goroutines at once as in Checker's io-roundtrip row (n reads in
// all): timerfd_create (non-blocking), timerfd_settime 1 µs from now, os.NewFile (a non-blocking fd is pollable:
// epoll_ctl ADD), a read that parks in the poller until the timer has fired, then Close (epoll_ctl DEL, close).
func ioTimerfd(n int) float64 {
	var wg sync.WaitGroup
	wg.Add(2)
	start := time.Now()
	for k := 0; k < 2; k++ {
		go func() {
			var buf [8]byte
			for i := 0; i < n/2; i++ {
				fd, _, e := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, 1 /* CLOCK_MONOTONIC */, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
				if e != 0 {
					check(e)
				}
				spec := [4]int64{0, 0, 0, 1000} // it_interval {0, 0}, it_value {0 s, 1000 ns}
				if _, _, e := syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); e != 0 {
					check(e)
				}
				f := os.NewFile(fd, "timerfd")
				_, err := f.Read(buf[:])
				check(err)
				f.Close()
			}
			wg.Done()
		}()
	}
	wg.Wait()
	return float64(time.Since(start).Nanoseconds()) / float64(n/2*2)
}

// sleep: time.Sleep(1 µs) n times. Go 1.19's netpoll waits in whole milliseconds (epoll_wait), so the M that waits for
// the timer blocks for at least 1 ms.
func sleep(n int) float64 {
	start := time.Now()
	for i := 0; i < n; i++ {
		time.Sleep(time.Microsecond)
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gopeer:", err)
		os.Exit(1)
	}
}

func median(reps int, f func() float64) float64 {
	xs := make([]float64, reps)
	for i := range xs {
		xs[i] = f()
	}
	sort.Float64s(xs)
	return xs[reps/2]
}

func main() {
	op := flag.String("op", "", "gosched | spawn-exit | grow | pingpong | chan-buffered | chan-select | io-pipe | io-timerfd | sleep | bytes-per-parked-goroutine")
	n := flag.Int("n", 1000000, "iterations (goroutines for bytes-per-parked-goroutine)")
	reps := flag.Int("reps", 5, "repetitions; the median is printed")
	procs := flag.Int("procs", 1, "GOMAXPROCS")
	flag.Parse()
	if *n <= 0 || *reps <= 0 {
		fmt.Fprintln(os.Stderr, "gopeer: -n and -reps must be positive")
		os.Exit(2)
	}
	runtime.GOMAXPROCS(*procs)
	switch *op {
	case "gosched":
		gosched(*n / 10) // warm up
		fmt.Printf("RESULT gosched %.3f ns\n", median(*reps, func() float64 { return gosched(*n) }))
	case "spawn-exit":
		spawnExit(*n / 10)
		fmt.Printf("RESULT spawn-exit %.3f ns\n", median(*reps, func() float64 { return spawnExit(*n) }))
	case "grow":
		grow(*n / 10)
		fmt.Printf("RESULT grow %.3f ns\n", median(*reps, func() float64 { return grow(*n) }))
	case "pingpong":
		pingpong(*n / 10)
		fmt.Printf("RESULT pingpong %.3f ns\n", median(*reps, func() float64 { return pingpong(*n) }))
	case "chan-buffered":
		chanBuffered(*n / 10)
		fmt.Printf("RESULT chan-buffered %.3f ns\n", median(*reps, func() float64 { return chanBuffered(*n) }))
	case "chan-select":
		chanSelect(*n / 10)
		fmt.Printf("RESULT chan-select %.3f ns\n", median(*reps, func() float64 { return chanSelect(*n) }))
	case "io-pipe":
		ioPipe(*n / 10)
		fmt.Printf("RESULT io-pipe %.3f ns\n", median(*reps, func() float64 { return ioPipe(*n) }))
	case "io-timerfd":
		ioTimerfd(*n / 10)
		fmt.Printf("RESULT io-timerfd %.3f ns\n", median(*reps, func() float64 { return ioTimerfd(*n) }))
	case "sleep":
		sleep(*n / 10)
		fmt.Printf("RESULT sleep %.3f ns\n", median(*reps, func() float64 { return sleep(*n) }))
	case "bytes-per-parked-goroutine":
		// One measurement: a second run would reuse the first run's stacks and show no growth.
		fmt.Printf("RESULT bytes-per-parked-goroutine %.1f bytes\n", bytesPerParked(*n))
	default:
		fmt.Fprintf(os.Stderr, "gopeer: unknown -op %q\n", *op)
		os.Exit(2)
	}
}
