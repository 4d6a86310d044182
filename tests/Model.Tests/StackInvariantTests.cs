using Model.Checking;
using Model.Workload;

namespace Model.Tests;

/// <summary>The stack invariants (issue 13): S1, stack sizes; S2, a non-running g's saved sp and bp inside its
/// stack. Each fails on a state broken by hand and holds in every state of workloads whose stacks grow.</summary>
public class StackInvariantTests
{
    private static bool Fails(SchedState s, SchedConfig cfg, int bit) => (SchedInvariants.Failing(s, cfg) & (1UL << bit)) != 0;

    private static readonly SchedConfig Growing = new();

    [Fact]
    public void The_stack_invariants_are_named_in_the_list_the_checker_reports()
    {
        Assert.EndsWith("(S1)", SchedInvariants.AlwaysNames[SchedInvariants.StackSizes], StringComparison.Ordinal);
        Assert.EndsWith("(S2)", SchedInvariants.AlwaysNames[SchedInvariants.SavedSpInStack], StringComparison.Ordinal);
        var model = new SchedModel(WorkloadParser.Parse("main { }"), Growing);
        Assert.Contains(model.Invariants, p => p.Name == SchedInvariants.AlwaysNames[SchedInvariants.StackSizes]);
        Assert.Contains(model.Invariants, p => p.Name == SchedInvariants.AlwaysNames[SchedInvariants.SavedSpInStack]);
        Assert.Equal("no deadlock (all goroutines are asleep)", model.Invariants[SchedInvariants.NoDeadlock].Name);
    }

    [Fact]
    public void S1_fails_for_a_size_that_is_not_the_starting_size_doubled()
    {
        var t = new TestStates();
        var g = t.NewG();
        var dead = t.NewG(GStatus.Dead);
        Assert.False(Fails(t.State, Growing, SchedInvariants.StackSizes));

        bool Breaks(Action<SchedState> breakIt, SchedConfig? cfg = null)
        {
            var s = t.State.Clone();
            breakIt(s);
            return Fails(s, cfg ?? Growing, SchedInvariants.StackSizes);
        }

        Assert.False(Breaks(s => s.AllGs[g.Slot].StackSize = 8192));                // doubled twice
        Assert.False(Breaks(s => s.AllGs[g.Slot].StackSize = 1 << 20));
        Assert.True(Breaks(s => s.AllGs[g.Slot].StackSize = 6144));                 // grown by 2 KiB
        Assert.True(Breaks(s => s.AllGs[g.Slot].StackSize = 1024));                 // below the starting size
        Assert.True(Breaks(s => s.AllGs[g.Slot].StackSize = 3 * 2048));
        Assert.True(Breaks(s => s.AllGs[g.Slot].StackSize = 0));                    // a live g without a stack
        Assert.False(Breaks(s => s.AllGs[dead.Slot].StackSize = 0));                // gfput freed a grown one
        Assert.True(Breaks(s => s.AllGs[dead.Slot].StackSize = 12288));
        // Growth off: the starting size itself.
        var fixedStacks = Growing with { GrowStacks = false };
        Assert.False(Breaks(_ => { }, fixedStacks));
        Assert.True(Breaks(s => s.AllGs[g.Slot].StackSize = 4096, fixedStacks));
        // Coloured stacks start at 2048 minus the slot's colour (64 bytes for slot 1): that, doubled.
        var coloured = Growing with { ColourStacks = true };
        Assert.Equal(1984, coloured.StartingStackBytes(1));
        Assert.True(Breaks(_ => { }, coloured));                                     // slot 1 holds 2048, not its 1984
        Assert.False(Breaks(s => { s.AllGs[0].StackSize = 4096; s.AllGs[1].StackSize = 3968; }, coloured));
        Assert.True(Breaks(s => { s.AllGs[0].StackSize = 4096; s.AllGs[1].StackSize = 4096; }, coloured));
    }

    [Fact]
    public void S2_fails_for_a_saved_sp_or_bp_outside_the_stack()
    {
        var t = new TestStates();
        var g = t.NewG(GStatus.Runnable);   // sp = bp = hi - 48
        var w = t.NewG(GStatus.Waiting);
        var dead = t.NewG(GStatus.Dead);
        var running = t.NewG(GStatus.Running);
        running.Sched.Sp = running.Sched.Bp = 0;
        Assert.False(Fails(t.State, Growing, SchedInvariants.SavedSpInStack));

        bool Breaks(Action<SchedState> breakIt)
        {
            var s = t.State.Clone();
            breakIt(s);
            return Fails(s, Growing, SchedInvariants.SavedSpInStack);
        }

        Assert.True(Breaks(s => s.AllGs[g.Slot].Sched.Sp = 0));                     // a runnable g with no saved sp
        Assert.True(Breaks(s => s.AllGs[w.Slot].Sched.Sp = 2048));                  // at stack.lo: outside
        Assert.True(Breaks(s => s.AllGs[w.Slot].Sched.Sp = 5000));                  // a sp of a grown stack, in the one before
        Assert.False(Breaks(s => { s.AllGs[w.Slot].StackSize = 8192; s.AllGs[w.Slot].Sched.Sp = 5000; })); // in the grown one
        Assert.True(Breaks(s => s.AllGs[g.Slot].Sched.Bp = 2048));                  // bp outside
        Assert.True(Breaks(s => s.AllGs[g.Slot].Sched.Bp = 64));                    // bp below the sp
        Assert.False(Breaks(s => s.AllGs[g.Slot].Sched.Bp = 0));                    // bp zero: the body's frame has none saved
        Assert.True(Breaks(s => s.AllGs[dead.Slot].Sched.Sp = 3000));               // a dead g with a stack: inside it
        Assert.False(Breaks(s => { s.AllGs[dead.Slot].StackSize = 0; s.AllGs[dead.Slot].Sched.Sp = 3000; })); // no stack: nothing to hold
        Assert.False(Breaks(s => s.AllGs[running.Slot].Sched.Sp = 3000));           // a running g is B2's
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Both_hold_in_every_state_of_workloads_that_grow(int procs)
    {
        // d grows twice (2 to 4 to 8 KiB) inside nested calls, yields in them, and exits from depth; e reuses d's dead g
        // (gfput freed the grown stack, gfget gives a fresh one) and grows again; main grows wide.
        const string text = "main {\n  go d\n  acquire s\n  go e\n  call 9000 { yield }\n}\n" +
                            "d { call 1500 { yield; call 3000 { yield; release s; exit } } }\ne { call 1500 { yield } }";
        var r = new BfsChecker<SchedState, SchedAction>(new SchedModel(WorkloadParser.Parse(text), new SchedConfig { Procs = procs })).Run();
        Assert.True(r.Exhausted);
        Assert.Empty(r.Violations);
        Assert.True(r.Distinct > 20, $"{r.Distinct} states");
        // The model's steps grow the stacks along the way: follow one run to its end.
        var model = new SchedModel(WorkloadParser.Parse(text), new SchedConfig { Procs = procs });
        var s = model.Initial();
        var sizes = new HashSet<int>();
        for (var step = 0; step < 500 && model.Actions(s) is [var a, ..]; step++)
        {
            s = model.Step(s, a).Next;
            foreach (var g in s.AllGs) sizes.Add(g.StackSize);
            Assert.Equal(0UL, SchedInvariants.Failing(s, model.Config) & (1UL << SchedInvariants.StackSizes | 1UL << SchedInvariants.SavedSpInStack));
        }
        Assert.Contains(8192, sizes);
        Assert.Contains(16384, sizes);
    }
}
