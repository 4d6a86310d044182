# Both goroutines wait for a release that never comes: Go reports a deadlock.
main {
  go waiter
  acquire never
}
waiter {
  acquire never
}
