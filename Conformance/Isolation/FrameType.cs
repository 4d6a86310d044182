namespace Conformance.Isolation;

/// <summary>The kinds of frame on a worker's pipes (<see cref="WorkerProtocol"/>).</summary>
public enum FrameType : byte
{
    /// <summary>Worker → checker, once at start: protocol version, build id, process id.</summary>
    Hello = 1,
    /// <summary>Checker → worker: run id and the <see cref="Campaigns.RunSpec"/> to run and check.</summary>
    Run = 2,
    /// <summary>Worker → checker: the runtime returned (run id, events recorded); the check starts.</summary>
    Ran = 3,
    /// <summary>Worker → checker: run id and the verdict (the trace only when the shared region could not hold it).</summary>
    Result = 4,
    /// <summary>Worker → checker: run id, phase and an exception the worker caught.</summary>
    Error = 5,
}
