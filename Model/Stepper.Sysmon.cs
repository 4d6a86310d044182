namespace Model;

internal static partial class Stepper
{
    /// <summary>Mirrors sysmon's retake (proc.go, 1.19) for a P in _Psyscall: CAS it to _Pidle and handoffp. Time is
    /// abstracted: "the syscall has run long enough" is the choice.</summary>
    internal static void Retake(in StepContext cx, P p)
    {
        p.Status = PStatus.Idle;
        cx.EmitP(p, PStatus.Syscall, PStatus.Idle);
        HandoffP(cx, p);
    }
}
