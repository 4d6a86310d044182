using Model.Workload;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>
/// Random workloads (seeded, so a failure names its seed and prints the workload): on 1 to 3 Ps, free-running and
/// controlled, every run either completes or reports a deadlock, and conservation holds (each g ends once or is
/// reported blocked; no g runs twice at once).
/// </summary>
public class RandomWorkloadTests
{
    private static string Generate(Random rng)
    {
        var bodies = rng.Next(1, 4);
        var names = Enumerable.Range(0, bodies).Select(i => i == 0 ? "main" : $"b{i}").ToList();
        var sb = new System.Text.StringBuilder();
        foreach (var name in names)
        {
            sb.Append(name).Append(" {\n");
            Block(sb, rng, names, name, depth: 0, budget: 8);
            sb.Append("}\n");
        }
        return sb.ToString();
    }

    private static void Block(System.Text.StringBuilder sb, Random rng, List<string> names, string self, int depth, int budget)
    {
        var ops = rng.Next(1, budget);
        for (var i = 0; i < ops; i++)
        {
            switch (rng.Next(10))
            {
                case 0 or 1: sb.Append("yield\n"); break;
                case 2:
                    // Only spawn bodies declared after this one, so the spawn tree is finite.
                    var later = names.Skip(names.IndexOf(self) + 1).ToList();
                    if (later.Count > 0) sb.Append("go ").Append(later[rng.Next(later.Count)]).Append('\n');
                    else sb.Append("yield\n");
                    break;
                case 3: sb.Append("work ").Append(rng.Next(0, 2000)).Append('\n'); break;
                case 4: sb.Append("syscall ").Append(rng.Next(0, 30)).Append('\n'); break;
                case 5: sb.Append("release s").Append(rng.Next(2)).Append('\n'); break;
                case 6: sb.Append("acquire s").Append(rng.Next(2)).Append('\n'); break;
                case 7 when depth < 3:
                    sb.Append("repeat ").Append(rng.Next(0, 4)).Append(" {\n");
                    Block(sb, rng, names, self, depth + 1, budget / 2 + 1);
                    sb.Append("}\n");
                    break;
                case 8 when depth < 3:
                    sb.Append("call ").Append(rng.Next(0, 3000)).Append(" {\n");
                    Block(sb, rng, names, self, depth + 1, budget / 2 + 1);
                    sb.Append("}\n");
                    break;
                case 9: if (rng.Next(4) == 0) sb.Append("exit\n"); else sb.Append("yield\n"); break;
                default: sb.Append("yield\n"); break;
            }
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void Random_workloads_complete_or_deadlock_and_conserve_goroutines(int procs, bool controlled)
    {
        for (var seed = 1; seed <= 25; seed++)
        {
            var text = Generate(new Random(seed * 7919 + procs));
            var options = new RuntimeOptions
            {
                Procs = procs, Trace = true, Controlled = controlled, Seed = (ulong)seed, Timeout = TimeSpan.FromSeconds(20),
            };
            var r = GoRuntime.Run(WorkloadParser.Parse(text), options);
            var context = $"seed {seed}, {procs} P(s), controlled {controlled}:\n{text}\n{r.Message}";
            Assert.True(r.Outcome is RunOutcome.Completed or RunOutcome.Deadlock, context);
            if (r.Outcome == RunOutcome.Deadlock)
                Assert.True(r.Blocked.Count > 0, "a deadlock with no blocked goroutine: " + context + "\n" +
                    string.Join("\n", r.Goroutines.Select(g => $"g{g.Goid} {g.BodyName} {g.Status}")) + $"\ncounters {r.Counters}");
            try
            {
                MultiPTests.AssertConservation(r);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException(context + "\n" + e.Message);
            }
        }
    }
}
