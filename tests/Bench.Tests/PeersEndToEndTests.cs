using System.Text.Json;
using Bench.Peers;
using Bench.Rendering;

namespace Bench.Tests;

/// <summary>
/// The whole peers pipeline at tiny sizes: build the peers with whatever compilers this machine has, run them, measure
/// ours, render. Every figure must be a number, or for a peer whose compiler is missing, the "n/a (... missing" note;
/// nothing may fail.
/// </summary>
public class PeersEndToEndTests
{
    [Fact]
    public void Peers_measure_every_row_at_smoke_sizes()
    {
        var tools = Toolchain.Detect();
        var programs = new PeerPrograms(tools, RepoPaths.PeerSources(), PeerPrograms.DefaultBuildDir());
        var report = PeersCommand.Measure(PeerSizes.Smoke, quick: true, tools, programs, TextWriter.Null);

        Assert.Equal(["switch", "roundtrip", "systemstack", "gosched", "spawn-exit", "grow-2k-64k", "pingpong-sema", "chan-pingpong", "chan-buffered",
            "chan-select", "io-roundtrip", "sleep-1us", "bytes-per-parked-goroutine"], report.Rows.Select(r => r.Operation));
        foreach (var row in report.Rows)
        {
            Assert.True(row.Ours.HasValue, $"{row.Operation}: ours = {row.Ours.Note}");
            Assert.True(row.Ours.Value > 0, $"{row.Operation}: ours = {row.Ours.Value}");
            foreach (var p in row.Peers)
            {
                if (p.Result.HasValue) Assert.True(p.Result.Value >= 0, $"{row.Operation}/{p.Peer}: {p.Result.Value}");
                else Assert.Matches(@"^n/a \(\S+ missing: run scripts/install-peers\.sh\)$", p.Result.Note);
            }
        }
        var withGo = report.Rows.Where(r => r.Peers.Any(p => p.Peer == "go")).Select(r => r.Operation);
        Assert.Equal(["gosched", "spawn-exit", "grow-2k-64k", "pingpong-sema", "chan-pingpong", "chan-buffered", "chan-select", "io-roundtrip",
            "sleep-1us", "bytes-per-parked-goroutine"], withGo);

        using var json = JsonDocument.Parse(JsonRenderer.Render(report));
        Assert.Equal(13, json.RootElement.GetProperty("rows").GetArrayLength());
    }
}
