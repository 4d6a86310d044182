# Cooperative preemption: sysmon asks a goroutine that has kept its P for 10 ms to stop (preemptone sets
# stackguard0 = stackPreempt); its next call's prologue fails the stack check, and newstack, seeing the request, puts
# it on the global run queue (gopreempt_m) as if it had yielded. The long chain of calls below gives sysmon many
# prologues to stop at; the plain `work` loop in `spinner` has none, so, as in Go before 1.14, it cannot be preempted.
# Free-running on one P the chain is preempted and `ticker` gets to run in between:
#   checker run workloads/preempt.wl --procs 1 --trace t.json    (look for GoPreempt)
# In controlled runs and the model there is no clock: whether sysmon asks is a recorded choice.
main {
  go chain
  go ticker
  go spinner
  repeat 3 { acquire done }
}
chain {
  repeat 60000 { call 256 { call 512 { work 2000 } } }
  release done
}
ticker {
  repeat 5 { yield; work 10 }
  release done
}
spinner {
  work 20000000
  release done
}
