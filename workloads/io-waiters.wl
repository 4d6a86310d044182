# Many io waiters readied at once: eight readers whose replies share a deadline. One netpoll returns all of them;
# findRunnable keeps one and injectglist sends min(npidle, the rest) to the global queue (starting an M per idle P)
# and the others to its own run queue. Try: checker check --workload workloads/io-waiters.wl
main {
  repeat 8 { go reader }
  repeat 8 { acquire done }
}
reader {
  io 10
  yield
  io 10
  release done
}
