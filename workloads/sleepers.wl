# Sleepers and spinners: time.Sleep parks a goroutine on its P's timer heap; it holds no M and no P while it sleeps.
# In controlled runs (and in the model) the clock is virtual, Go's faketime: it jumps to the next deadline only when
# every M is idle. Try: checker run workloads/sleepers.wl --procs 2 --trace t.json
main {
  repeat 3 { go sleeper }
  go spinner
  sleep 50
  repeat 4 { acquire done }
}
sleeper {
  repeat 2 { sleep 20; yield }
  release done
}
spinner {
  repeat 10 { yield; work 200 }
  release done
}
