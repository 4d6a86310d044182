using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>Runs alone (it measures the process's CPU time, which parallel test classes would inflate).</summary>
[CollectionDefinition(nameof(IdleTests), DisableParallelization = true)]
public class IdleTestsCollection;

/// <summary>Idle Ms park on their note instead of burning a core.</summary>
[Collection(nameof(IdleTests))]
public class IdleTests
{
    [Fact]
    public void Idle_Ms_park_instead_of_spinning()
    {
        // One long syscall on 4 Ps and nothing else to do: the other Ms must be parked, not burning CPU.
        var before = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var r = Run("main { go a; go b; go c; syscall 200000 }\na { yield }\nb { yield }\nc { yield }", procs: 4);
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - before;
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.True(r.Elapsed >= TimeSpan.FromMilliseconds(190), $"elapsed {r.Elapsed}");
        // 200 ms of wall time; spinning Ms would burn about that much per M. Allow other tests' noise.
        Assert.True(cpu < TimeSpan.FromMilliseconds(150) + r.Elapsed * 0.5, $"cpu {cpu.TotalMilliseconds} ms over {r.Elapsed.TotalMilliseconds} ms");
    }
}
