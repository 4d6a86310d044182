# A select race: two senders each wait on their own unbuffered channel, so main's first select finds both cases
# ready and Go picks one by its random poll order (the model offers both); the second select takes the other.
# Two yields: on one P the first schedule after the start may take main back from the global queue at once (the
# 1-in-61 check); the second lets sb and sa run and park.
chan a 0
chan b 0

main {
  go sa
  go sb
  repeat 2 { yield }
  repeat 2 {
    select {
      recv a { work 3 }
      recv b { yield }
    }
  }
}
sa { send a }
sb { send b }
