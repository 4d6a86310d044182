namespace Bench.Peers;

/// <summary>A peer's figure for one operation, e.g. ("go", 49.0 ns).</summary>
/// <param name="Peer">Short, stable peer key: <c>go</c>, <c>c-minimal</c>, <c>boost-context</c>, <c>dotnet-...</c>.</param>
/// <param name="Result">The figure, in the row's unit.</param>
public sealed record PeerResult(string Peer, Measurement Result);
