# A select race: two senders each wait on their own unbuffered channel, so main's first select finds both cases
# ready and Go picks one by its random poll order (the model offers both); the second select takes the other.
chan a 0
chan b 0

main {
  go sa
  go sb
  yield
  repeat 2 {
    select {
      recv a { work 3 }
      recv b { yield }
    }
  }
}
sa { send a }
sb { send b }
