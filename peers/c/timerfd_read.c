/* The kernel's floor under Checker's `io 1`, with no scheduler and no poller: a non-blocking timerfd on
 * CLOCK_MONOTONIC is created, armed to expire 1 us later, read until the read returns its expiry count (a busy loop
 * on EAGAIN, so no thread ever sleeps), and closed. What is left is the system calls and the kernel's timer.
 *
 * Prints "RESULT io-timerfd <ns per read> ns". Usage: timerfd_read [reads] [repetitions]; the reported figure is the
 * median over repetitions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "peer_clock.h"

/* One read as `io 1` makes it: create, arm 1 us ahead, wait until readable, consume, close. */
static int one_read(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) return -1;
    struct itimerspec its = { { 0, 0 }, { 0, 1000 } };
    if (timerfd_settime(fd, 0, &its, NULL) < 0) { close(fd); return -1; }
    uint64_t expirations;
    for (;;) {
        ssize_t n = read(fd, &expirations, sizeof expirations);
        if (n == (ssize_t)sizeof expirations) break;
        if (n < 0 && errno != EAGAIN && errno != EINTR) { close(fd); return -1; }
    }
    return close(fd);
}

int main(int argc, char **argv) {
    long reads = argc > 1 ? atol(argv[1]) : 10000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (reads <= 0 || reps <= 0 || reps > 99) { fprintf(stderr, "usage: timerfd_read [reads] [repetitions]\n"); return 2; }
    for (long i = 0; i < reads / 10; i++) /* warm up */
        if (one_read() < 0) { perror("timerfd_read"); return 1; }
    double results[99];
    for (int r = 0; r < reps; r++) {
        double t0 = now_ns();
        for (long i = 0; i < reads; i++)
            if (one_read() < 0) { perror("timerfd_read"); return 1; }
        results[r] = (now_ns() - t0) / (double)reads;
    }
    qsort(results, reps, sizeof results[0], cmp_double);
    printf("RESULT io-timerfd %.3f ns\n", results[reps / 2]);
    return 0;
}
