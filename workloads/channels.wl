# Channels: a ping-pong over two unbuffered channels, a producer filling a buffered channel that main drains, and
# a select with a default that polls the buffer before the drain.
chan ping 0
chan pong 0
chan q 2

main {
  go pong
  repeat 3 { send ping; recv pong }
  go producer
  select {
    recv q { work 5 }
    default { yield }
  }
  repeat 4 { recv q }
}
pong {
  repeat 3 { recv ping; send pong }
}
producer {
  repeat 5 { send q }
}
