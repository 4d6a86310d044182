using Native;
using Native.Layout;

namespace Implementation;

internal sealed unsafe partial class Sched
{
    /// <summary>
    /// The sched the g that just switched back to g0 ran with: m.shadowsched, which the stubs of a run with
    /// StubOptions.ShadowSched fill in mcall, the systemstack switch and morestack, just before they save into g.sched
    /// (RuntimeOptions.Stubs; every diagnostic run with a mutant has it). Go's B2 says a running g's sched has
    /// sp = ctxt = ret = bp = 0 (gogo cleared them) and keeps pc (stale) and g; this is where to check it.
    /// <para>Valid only at a switch-back point on <paramref name="mp"/>'s own g0 thread: right after the entry stub
    /// returned from an mcall (in Schedule, before the mcall's work: the shadow is then m.curg's, whose g.sched
    /// already holds mcall's save), or at the start of a systemstack service callback (the calling g's, whose g.sched
    /// holds systemstack's save). Until the M's next switch it keeps that value; a snapshot taken later on the same M
    /// reads a stale one.</para>
    /// Returns false, with <paramref name="sched"/> = default, when the run's stubs do not shadow (nothing is copied)
    /// or the M has not switched back yet.
    /// </summary>
    internal bool TryReadShadow(MState mp, out Gobuf sched)
    {
        if (!_shadowing)
        {
            sched = default;
            return false;
        }
        sched = mp.M->ShadowSched;
        return sched.G != 0;
    }

    /// <summary>Called on g0 right after every mcall comes back (gp = the g that mcalled, its save already in g.sched,
    /// the mcall's work not done yet), in a diagnostic build and a run with ShadowSched only: a Release scheduler never
    /// calls it (the call site is compiled out). For tests that look at state at rest
    /// (tests/Implementation.Tests/StateProbe.cs); set it before <see cref="Run"/>.</summary>
    internal Action<MState, nint, McallReason>? McallProbe;
}
