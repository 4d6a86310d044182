# 300 runnable goroutines on one P: the local ring (256) overflows and runqputslow moves half to the global queue.
main {
  repeat 300 { go child }
}
child {
  yield
}
