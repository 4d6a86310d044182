# The example of ARCHITECTURE.md: main starts two workers and waits for both.
main {
  go worker
  go worker
  acquire done
  acquire done
}
worker {
  repeat 3 { yield }
  call 256 { yield }   # a real nested native frame of 256 bytes, yielding from inside it
  syscall 20           # a blocking system call of about 20 microseconds
  work 1000            # 1000 iterations of pure computation
  release done
}
