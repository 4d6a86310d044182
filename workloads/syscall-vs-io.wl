# syscall N versus io N, side by side. A g in "syscall 1000" is in a blocking system call: it keeps its M (the thread
# is stuck in the kernel) and its P goes to _Psyscall, to be handed off (handoffp) or retaken by sysmon so that other
# gs can run; when the call returns, exitsyscall needs a P back. A g in "io 1000" waits for a network reply: it parks
# ("IO wait") on a pollDesc whose fd is registered with epoll, and holds no M and no P at all; netpoll finds it ready
# (in findRunnable, before stealing, or in the one M allowed to block in the poller) and injectglist makes it
# runnable. Four callers need four threads while they wait; four readers need none.
# Try: checker run workloads/syscall-vs-io.wl --procs 2 --trace t.json
main {
  repeat 4 { go caller }
  repeat 4 { go reader }
  repeat 8 { acquire done }
}
caller {
  syscall 1000
  release done
}
reader {
  io 1000
  release done
}
