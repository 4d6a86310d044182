using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Implementation.Trace;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>sched.gFree.lock: protects the global gFree list.</summary>
    private RuntimeLock _gFreeLock;

    /// <summary>
    /// Mirrors runtime.gfput (proc.go, 1.19): frees a stack that is not of startingStackSize (one that grew), pushes
    /// the dead g on pp's gFree list (LIFO); when the list reaches 64, moves gs to the global lists (sched.gFree.stack or
    /// .noStack) until fewer than 32 remain (33 moved). Fixed stacks never grow, so none is freed then.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal void GfPut(MState mp, P* pp, G* gp)
    {
        if (ReadGStatus(gp) != GStatus.Dead) Fatal("gfput: bad status (not Gdead)");
#if CHECKER_MUTANTS
        if (_mutant != Mutant.GfPutKeepsGrownStack) // seeded bug: a grown stack stays on the dead g
#endif
        if (_goStacks != null && gp->StackHi - gp->StackLo != _startingStackSize)
        {
            // non-standard stack size - free it.
            _goStacks.Free(_stackCaches[pp->Id], gp);
        }
        gp->SchedLink = pp->GFreeHead;
        pp->GFreeHead = gp;
        pp->GFreeN++;
        if (_tracing) Trace(mp, EventKind.GfPut, gp->Goid, pp->GFreeN);
        if (pp->GFreeN >= SchedConstants.GFreeSpillAt)
        {
            // Pop into private lists (each popped g pushed at its head), then splice them before the global lists,
            // as gfput's stackQ/noStackQ + gList.pushAll do.
            G* qHead = null, qTail = null, nHead = null, nTail = null;
            var inc = 0;
            while (pp->GFreeN >= SchedConstants.GFreeKeep)
            {
                var g = pp->GFreeHead;
                pp->GFreeHead = g->SchedLink;
                pp->GFreeN--;
                if (g->StackLo != 0)
                {
                    g->SchedLink = qHead;
                    qHead = g;
                    if (qTail == null) qTail = g;
                }
                else
                {
                    g->SchedLink = nHead;
                    nHead = g;
                    if (nTail == null) nTail = g;
                }
                inc++;
            }
            _gFreeLock.Lock();
            if (qTail != null)
            {
                qTail->SchedLink = _gFreeHead;
                _gFreeHead = qHead;
            }
            if (nTail != null)
            {
                nTail->SchedLink = _gFreeNoStackHead;
                _gFreeNoStackHead = nHead;
            }
            _gFreeN += inc;
            _gFreeLock.Unlock();
        }
    }

    /// <summary>
    /// Mirrors runtime.gfget (proc.go, 1.19): pops a g from pp's gFree list, first refilling it to 32 from the global
    /// lists (those with stacks first) when it is empty; a g without a stack gets one of startingStackSize. Null when
    /// all are empty.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal G* GfGet(MState mp, P* pp)
    {
        if (pp->GFreeHead == null && Volatile.Read(ref _gFreeN) != 0)
        {
            _gFreeLock.Lock();
            while (pp->GFreeN < SchedConstants.GFreeKeep)
            {
                G* g;
                if (_gFreeHead != null)
                {
                    g = _gFreeHead;
                    _gFreeHead = g->SchedLink;
                }
                else if (_gFreeNoStackHead != null)
                {
                    g = _gFreeNoStackHead;
                    _gFreeNoStackHead = g->SchedLink;
                }
                else break;
                _gFreeN--;
                g->SchedLink = pp->GFreeHead;
                pp->GFreeHead = g;
                pp->GFreeN++;
            }
            _gFreeLock.Unlock();
        }
        var gp = pp->GFreeHead;
        if (gp == null) return null;
        var next = gp->SchedLink;
        pp->GFreeHead = next;
        pp->GFreeN--;
        gp->SchedLink = null;
        if (gp->StackLo == 0)
        {
            // Stack was deallocated in gfput. Allocate a new one.
            StackAllocStarting(mp, gp, gp->Index);
        }
        // Not in Go: a hint for the next newproc (see PrefetchG). Its g (the new head) has its record fetched now,
        // and this g's stack top, which newproc1 writes next, is fetched while the record is filled in.
        if (next != null) PrefetchG(next);
        Sse.Prefetch0((void*)(gp->StackHi - 64));
        if (_tracing) Trace(mp, EventKind.GfGet, gp->Goid, pp->GFreeN);
        return gp;
    }

    /// <summary>Prefetches the lines of a G record that newproc1 and execute touch (a hint: never faults, changes
    /// nothing). With a thousand gs alive their records and stack tops no longer fit in L1, and every g is touched
    /// once when created and once when run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchG(G* gp)
    {
        Sse.Prefetch0(gp);
        Sse.Prefetch0((byte*)gp + 64);
        Sse.Prefetch0((byte*)gp + 128);
        Sse.Prefetch0((byte*)gp + 192);
    }

    /// <summary>Global gFree count (sched.gFree.n), for tests.</summary>
    internal int GlobalGFreeCount => Volatile.Read(ref _gFreeN);
}
