namespace Model;

/// <summary>The gFree lists (reference §5.3): per P, and the global ones with and without a stack.</summary>
internal static partial class Stepper
{
    /// <summary>Mirrors runtime.gfput (proc.go): push on the P's list; at 64, move gs to the global lists until
    /// fewer than 32 remain. A stack that grew is freed first (it is not startingStackSize).</summary>
    internal static void GfPut(in StepContext cx, P p, G g)
    {
        var s = cx.S;
        if (g.Status != GStatus.Dead) throw new ModelThrowException(Throw.BadGfput);
        if (g.StackSize != cx.Cfg.StartingStackBytes(g.Slot))
        {
            // stackfree; stack.lo = stack.hi = 0; stackguard0 = 0 (gp.preempt stays).
            g.StackSize = 0;
            g.GuardPreempt = false;
        }
        p.GFree.Add(g.Slot);
        p.GFreeN++;
        cx.Emit(EventKind.GfPut, g.Goid, p.GFreeN);
        if (p.GFreeN >= SchedConstants.GFreeSpillAt)
        {
            while (p.GFreeN >= SchedConstants.GFreeKeep)
            {
                var slot = p.GFree[^1];
                p.GFree.RemoveAt(p.GFree.Count - 1);
                p.GFreeN--;
                if (s.AllGs[slot].StackSize == 0) s.GFreeNoStack.Add(slot);
                else s.GFreeStack.Add(slot);
            }
        }
    }

    /// <summary>Mirrors runtime.gfget (proc.go): refill from the global lists (stack first) up to 32 when the local
    /// list is empty; pop; give a stackless g a stack of startingStackSize.</summary>
    internal static G? GfGet(in StepContext cx, P p)
    {
        var s = cx.S;
        if (p.GFree.Count == 0 && (s.GFreeStack.Count > 0 || s.GFreeNoStack.Count > 0))
        {
            while (p.GFreeN < SchedConstants.GFreeKeep)
            {
                List<int> from;
                if (s.GFreeStack.Count > 0) from = s.GFreeStack;
                else if (s.GFreeNoStack.Count > 0) from = s.GFreeNoStack;
                else break;
                p.GFree.Add(from[^1]);
                from.RemoveAt(from.Count - 1);
                p.GFreeN++;
            }
        }
        if (p.GFree.Count == 0) return null;
        var g = s.AllGs[p.GFree[^1]];
        p.GFree.RemoveAt(p.GFree.Count - 1);
        p.GFreeN--;
        var starting = cx.Cfg.StartingStackBytes(g.Slot);
        if (g.StackSize != 0 && g.StackSize != starting) g.StackSize = 0;
        if (g.StackSize == 0) g.StackSize = starting;
        cx.Emit(EventKind.GfGet, g.Goid, p.GFreeN);
        return g;
    }
}
