/* The physical floor of a stackful switch: save the callee-saved registers (SysV x86-64: rbx, rbp, r12-r15),
 * store rsp into the old context, load the new context's rsp, pop the same registers, jump to the return address
 * found there. Nothing else: no signal mask, no FPU control words, no shadow stack.
 *
 * Prints "RESULT switch <ns per switch> ns" after timing a ping-pong between main and one coroutine.
 * One iteration is two switches (main -> co, co -> main). Usage: minimal_switch [iterations] [repetitions];
 * the reported figure is the median over repetitions.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/* void switch_stack(void **save_sp, void *load_sp)
 *   rdi = where to store the current rsp, rsi = the rsp to resume. */
void switch_stack(void **save_sp, void *load_sp);
__asm__(
    ".text\n"
    ".globl switch_stack\n"
    ".type switch_stack,@function\n"
    "switch_stack:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    movq %rsp, (%rdi)\n"   /* save the old stack pointer */
    "    movq %rsi, %rsp\n"     /* the switch: from here on we are on the other stack */
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    popq %r8\n"           /* return address on the new stack */
    "    jmp *%r8\n"           /* jmp, not ret: a ret here would always mispredict (the return stack buffer */
                                 /* holds the caller on the old stack), an indirect jmp is predicted per site */
    ".size switch_stack,.-switch_stack\n");

static void *main_sp;
static void *co_sp;
static volatile long co_count;

static void co_body(void) {
    for (;;) {
        co_count++;
        switch_stack(&co_sp, main_sp);
    }
}

/* Lay out a fresh stack so that the first switch_stack into it pops six zero registers and returns into co_body
 * with rsp = 8 (mod 16), as after a call. */
static void *new_stack(size_t size) {
    char *base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (base == MAP_FAILED) { perror("mmap"); exit(1); }
    uintptr_t top = ((uintptr_t)(base + size)) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)top;
    *--sp = 0;                     /* fake return address of co_body: it never returns */
    *--sp = (uint64_t)co_body;     /* ret target */
    for (int i = 0; i < 6; i++) *--sp = 0;   /* rbp rbx r12 r13 r14 r15 */
    return sp;
}

#include "peer_clock.h"

int main(int argc, char **argv) {
    long iterations = argc > 1 ? atol(argv[1]) : 10000000;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (iterations <= 0 || reps <= 0 || reps > 99) { fprintf(stderr, "usage: minimal_switch [iterations] [repetitions]\n"); return 2; }
    co_sp = new_stack(64 * 1024);
    double results[99];
    for (int r = 0; r < reps; r++) {
        long before = co_count;
        double t0 = now_ns();
        for (long i = 0; i < iterations; i++) switch_stack(&main_sp, co_sp);
        double t1 = now_ns();
        if (co_count - before != iterations) { fprintf(stderr, "minimal_switch: lost switches\n"); return 1; }
        results[r] = (t1 - t0) / (2.0 * (double)iterations);
    }
    qsort(results, reps, sizeof results[0], cmp_double);
    printf("RESULT switch %.3f ns\n", results[reps / 2]);
    return 0;
}
