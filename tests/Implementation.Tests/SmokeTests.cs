using Implementation;
using Model.Workload;

namespace Implementation.Tests;

public class SmokeTests
{
    private static RunResult Run(string text, int procs = 1, bool trace = false)
        => GoRuntime.Run(WorkloadParser.Parse(text), new RuntimeOptions { Procs = procs, Trace = trace, Timeout = TimeSpan.FromSeconds(20) });

    [Fact]
    public void Main_alone_completes()
    {
        var r = Run("main { yield }");
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.Equal(1, r.Counters.Created);
        Assert.Equal(2, r.Counters.Switches);
    }

    [Fact]
    public void Example_completes()
    {
        var r = Run("""
            main {
              go worker
              go worker
              acquire done
              acquire done
            }
            worker {
              repeat 3 { yield }
              call 256 { yield }
              syscall 20
              work 1000
              release done
            }
            """);
        Assert.True(r.Outcome == RunOutcome.Completed, r.Message);
        Assert.Equal(3, r.Counters.Created);
    }
}
