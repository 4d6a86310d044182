// Boost.Context's own switch (jump_fcontext, the assembly behind boost::context and boost::fiber), timed the same
// way as minimal_switch.c: a ping-pong between main and one context, two switches per iteration.
// Prints "RESULT switch <ns per switch> ns". Usage: boost_context [iterations] [repetitions]; median over repetitions.
#include <boost/context/detail/fcontext.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace ctx = boost::context::detail;

static volatile long co_count = 0;

static void co_body(ctx::transfer_t t) {
    for (;;) {
        co_count = co_count + 1;
        t = ctx::jump_fcontext(t.fctx, nullptr);  // back to main; resumes with main's new context
    }
}

int main(int argc, char **argv) {
    long iterations = argc > 1 ? std::atol(argv[1]) : 10000000;
    int reps = argc > 2 ? std::atoi(argv[2]) : 5;
    if (iterations <= 0 || reps <= 0) { std::fprintf(stderr, "usage: boost_context [iterations] [repetitions]\n"); return 2; }
    const std::size_t size = 64 * 1024;
    std::vector<char> stack(size);
    ctx::fcontext_t co = ctx::make_fcontext(stack.data() + size, size, co_body);
    std::vector<double> results;
    for (int r = 0; r < reps; r++) {
        long before = co_count;
        auto t0 = std::chrono::steady_clock::now();
        for (long i = 0; i < iterations; i++) co = ctx::jump_fcontext(co, nullptr).fctx;
        auto t1 = std::chrono::steady_clock::now();
        if (co_count - before != iterations) { std::fprintf(stderr, "boost_context: lost switches\n"); return 1; }
        double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
        results.push_back(ns / (2.0 * (double)iterations));
    }
    std::sort(results.begin(), results.end());
    std::printf("RESULT switch %.3f ns\n", results[results.size() / 2]);
    return 0;
}
