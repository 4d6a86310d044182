# Goexit from inside nested frames ends the goroutine; its deferred parts never run.
main {
  go deep
  yield
}
deep {
  call 128 { call 512 { yield; exit } }
  yield
}
