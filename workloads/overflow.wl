# A frame larger than a goroutine stack may ever grow: the stack would have to exceed Go's maxstacksize
# (1,000,000,000 bytes), so newstack reports the overflow in Go's words. (Frames up to about 500 MB run: the
# stack grows by copying.)
main {
  call 600000000 { yield }
}
