# Two goroutines hand a token back and forth through two semaphores.
main {
  go pong
  repeat 100 { release ping; acquire pong }
}
pong {
  repeat 100 { acquire ping; release pong }
}
