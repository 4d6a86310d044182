using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>entersyscall/exitsyscall: the fast path, a P handed off (sysmon's retake) while a g blocks, and the slow
/// path when the P was lost.</summary>
public class SyscallTests
{
    [Fact]
    public void A_short_syscall_with_nothing_else_to_do_takes_the_fast_path()
    {
        var r = Run("main { syscall 100; yield }", trace: true, sysmon: false);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        var exit = Assert.Single(Events(r, EventKind.GoSysExit));
        Assert.Equal(1, exit.A);
        Assert.Equal(0, r.Counters.SyscallSlowPaths);
        // E9 then E10 for goid 1.
        var edges = Events(r, EventKind.Status).Where(e => e.G == 1).Select(e => e.C).ToList();
        Assert.Contains(9L, edges);
        Assert.Contains(10L, edges);
        // B5: the save at entersyscall names the syscall op (op 0 of main), as Go's save(pc, sp) does.
        var save = Assert.Single(Events(r, EventKind.GobufSave), e => e.D == -1);
        Assert.Equal("0.0", r.Symbols.PointAt((nint)save.B)?.ToString());
        // P0 went Running → Syscall → Idle (exitsyscallfast's CAS) → Running (wirep); each event names P0.
        var p = Events(r, EventKind.PStatus).Where(e => e.A == (int)PStatus.Running && e.B == (int)PStatus.Syscall).Single();
        Assert.Equal(0, p.P);
        Assert.Equal(0, p.C);
    }

    [Fact]
    public void The_P_is_handed_off_while_a_g_blocks_and_the_slow_path_is_taken_when_it_was_lost()
    {
        // One P. s blocks in a 20 ms syscall; sysmon retakes the P and hands it to a new M, which runs main's long
        // computation; when s comes back the only P is busy, so exitsyscall takes the slow path (global queue).
        RunResult? r = null;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            r = Run("main { yield; go s; yield; repeat 600 { work 1000000 } }\ns { syscall 20000 }", trace: true);
            Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
            if (r.Counters.SyscallSlowPaths > 0) break;
        }
        Assert.True(r!.Counters.Retakes >= 1, "sysmon never retook the P");
        Assert.True(r.Counters.Ms >= 2, "no second M ran while the first blocked");
        var sysExit = Assert.Single(Events(r, EventKind.GoSysExit));
        Assert.Equal(0, sysExit.A); // slow path
        var sysCall = Assert.Single(Events(r, EventKind.GoSysCall));
        // main went on running on another M once s had blocked (usually before s came back; when thread creation is
        // slow the handed-off P may reach its new M only after).
        Assert.Contains(r.Trace!, e => e.Kind == EventKind.GoStart && e.G == 1 && e.Seq > sysCall.Seq && e.M != sysCall.M);
        Assert.Contains(r.Trace!, e => e.Kind == EventKind.Status && e.G == 2 && e.C == 11); // E11
        MultiPTests.AssertConservation(r);
    }
}
