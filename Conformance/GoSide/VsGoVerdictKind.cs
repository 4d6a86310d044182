namespace Conformance.GoSide;

/// <summary>What one vs-go comparison concluded.</summary>
public enum VsGoVerdictKind : byte
{
    /// <summary>Go and the model agree (one P: same run-slice order and outcome; several Ps: Go's run is one the model allows, as far as checked).</summary>
    Agree,
    /// <summary>They disagree: the message names the first run slice (or status change, or outcome) that differs.</summary>
    Disagree,
    /// <summary>Go's run was disturbed by something outside the workload (a runtime goroutine, the watchdog, preemption by
    /// sysmon): no verdict on this run.</summary>
    Perturbed,
    /// <summary>The run could not be judged (no trace, a crash of the harness).</summary>
    Error,
}
