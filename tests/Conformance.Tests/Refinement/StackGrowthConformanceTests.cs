using Conformance.Campaigns;
using Conformance.Refinement;
using Implementation;
using Model.Workload;

namespace Conformance.Tests.Refinement;

/// <summary>
/// Growing stacks conform, events and states: the model (GrowStacks, 2 KiB, stackguard0 = lo + 928) predicts every
/// newstack (E12, StackGrow with the old and new sizes, E13, the gogo back into the prologue) and every sp and bp after
/// the copy, as offsets below the new stack.hi. Shapes from issue 13: deep recursion, wide frames, growth while others
/// are parked, growth inside nested calls followed by exit from depth.
/// </summary>
[Collection("native runtime")]
public class StackGrowthConformanceTests
{
    public static TheoryData<string, int> Shapes() => new()
    {
        { "main { go d; yield }\nd { call 0 { call 0 { call 0 { call 0 { call 0 { call 0 { call 0 { call 0 { call 600 { call 600 { yield } } } } } } } } } } }", 1 },
        { "main { go w; yield; yield }\nw { call 5000 { yield; call 70000 { yield } } }", 1 },
        { "main { go a; go b; go c; acquire s; acquire s }\na { acquire t; release s }\nb { call 3000 { release t; call 9000 { yield } }; release s }\nc { yield }", 2 },
        { "main { go x; go x; yield; yield; yield; go x }\nx { call 64 { repeat 2 { call 1500 { call 1500 { yield } } } ; call 20000 { exit } } }", 2 },
        { "main { call 2000 { go x; yield }; call 40000 { yield } }\nx { repeat 3 { call 4000 { yield } } }", 2 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Growth_conforms(string text, int procs)
    {
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            var spec = RunSpec.Of(WorkloadParser.Parse(text), procs, seed);
            var r = Conformer.Check(spec);
            Assert.True(r.Conforms, $"seed {seed}: {r.Verdict}");
            Assert.Equal(OutcomeKind.Completed, r.RuntimeOutcome!.Kind);
            Assert.Contains(r.Trace, e => e.Kind == EventKind.StackGrow);
        }
    }

    /// <summary>
    /// Found by the default campaign (seed 4, a Mixed workload, shrunk): b2 grows from inside a call (2 to 4 KiB) and
    /// exits from a deeper one, and gfput frees the grown stack. The dead g's saved sp and bp are then read against the
    /// stack it died on, which the state comparison took from the abstraction as of the event the checker's search had
    /// compared last, here one before the StackGrow: the stack b2 grew out of, so hi-261696 against the model's hi-1600.
    /// The comparison now asks for the bounds as of the compared prefix's last event.
    /// </summary>
    [Fact]
    public void A_dead_gs_freed_stack_is_the_one_it_grew_into()
    {
        const string text = "main { go b2 }\nb2 {\n  sleep 1\n  syscall 0\n  sleep 1\n  call 979 {\n    repeat 0 { work 216; yield }\n" +
                            "    yield\n    syscall 80\n    call 512 { exit; syscall 19 }\n    repeat 3 { work 8; yield; syscall 33; syscall 63; yield }\n  }\n}";
        var r = Conformer.Check(RunSpec.Of(WorkloadParser.Parse(text), 1, 13005627297806135937));
        Assert.True(r.Conforms, r.Verdict);
        Assert.Contains(r.Trace, e => e.Kind == EventKind.StackGrow);
        Assert.Contains(r.Trace, e => e.Kind == EventKind.GfPut && e.G == 2);
    }
}
