using System.Reflection;
using Checker.Tests;
using Implementation.Trace;
using static Implementation.Tests.TestWorkloads;

namespace Implementation.Tests;

/// <summary>
/// Every seeded bug is a real behavioural change: on a workload that exercises it, in controlled mode with a fixed seed on 1 and 2 Ps
/// (so the unmutated runtime gives one exact trace), the mutant's run differs from the correct one in its trace or
/// its outcome. The flag itself appears nowhere in the trace.
/// </summary>
public class MutantTests
{
    private const string Workload = """
        main {
          yield
          go a
          yield
          release s
          repeat 300 { go c }
          repeat 3 { syscall 10 }
          repeat 70 { go w; yield }
        }
        a { acquire s; exit }
        c { yield }
        w { yield }
        """;

    private static RunResult RunWith(Mutant mutant, int procs = 2)
        => Run(Workload, new RuntimeOptions
        {
            Procs = procs, Trace = true, Controlled = true, Seed = 3, Mutant = mutant, Timeout = TimeSpan.FromSeconds(20),
        });

    private static List<(EventKind, short, long, long, long)> Signature(RunResult r)
        => r.Trace!.Select(e => e.Kind is EventKind.GobufLoad or EventKind.GobufSave or EventKind.GoCreate
            ? (e.Kind, e.P, e.G, e.Kind == EventKind.GoCreate ? e.A : 0L, 0L)
            : (e.Kind, e.P, e.G, e.A, e.B)).ToList();

    public static TheoryData<string> Mutants()
    {
        var data = new TheoryData<string>();
        foreach (var m in Enum.GetValues<Mutant>())
            if (m != Mutant.None) data.Add(m.ToString());
        return data;
    }

    [Fact]
    public void A_release_runtime_has_no_mutant_field_and_a_diagnostic_one_has()
    {
        // The Release runtime's mutant sites compare two constants (Mutant.None), which the compiler folds away, and
        // the statement-level ones are compiled out; so the scheduler has no field a mutant branch could read.
        var field = typeof(RuntimeOptions).Assembly.GetType("Implementation.Sched")!
            .GetField("_mutant", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Static);
        var configuration = typeof(RuntimeOptions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        if (configuration == "Release")
        {
            Assert.False(RuntimeOptions.DiagnosticBuild);
            Assert.True(field is null || field.IsLiteral, "a Release runtime must not carry a mutant field");
            Assert.Throws<InvalidOperationException>(() => new RuntimeOptions { Mutant = Mutant.GoschedLocal });
        }
        else
        {
            Assert.True(RuntimeOptions.DiagnosticBuild);
            Assert.NotNull(field);
            Assert.False(field!.IsLiteral);
        }
    }

    [Fact]
    public void There_are_at_least_twelve_mutants_and_the_correct_runtime_is_reproducible()
    {
        Assert.True(Enum.GetValues<Mutant>().Length - 1 >= 12);
        var a = RunWith(Mutant.None);
        var b = RunWith(Mutant.None);
        Assert.True(a.Outcome == RunOutcome.Completed, a.Message);
        Assert.Equal(Signature(a), Signature(b));
    }

    [DiagnosticBuildTheory]
    [MemberData(nameof(Mutants))]
    public void Each_mutant_changes_what_the_runtime_does(string name)
    {
        var mutant = Enum.Parse<Mutant>(name);
        // One P (where spilling is certain) and two (where stealing is).
        var differs = false;
        foreach (var procs in new[] { 1, 2 })
        {
            var good = RunWith(Mutant.None, procs);
            var bad = RunWith(mutant, procs);
            differs |= bad.Outcome != good.Outcome || !Signature(bad).SequenceEqual(Signature(good));
        }
        Assert.True(differs, $"{mutant}: same outcome and trace as the correct runtime on 1 and 2 Ps");
    }
}
