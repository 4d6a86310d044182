# Frames nested deeper than a goroutine stack allows: a stack overflow, reported in Go's words.
main {
  call 16384 { call 16384 { call 16384 { call 16384 { call 16384 { call 16384 { call 16384 { call 16384 { yield } } } } } } } }
}
