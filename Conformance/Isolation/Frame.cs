namespace Conformance.Isolation;

/// <summary>One frame read from a worker's pipe; <see cref="IsEnd"/> when the pipe closed (the process is gone).</summary>
public sealed record Frame(FrameType Type, byte[] Payload)
{
    public static readonly Frame End = new(0, []);

    public bool IsEnd => Type == 0;
}
