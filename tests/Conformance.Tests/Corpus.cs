using Conformance.Cli;
using Model.Workload;

namespace Conformance.Tests;

/// <summary>The repository's sample workloads (workloads/*.wl) plus a few of the conformance suite's own.</summary>
internal static class Corpus
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Checker.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Our own additions: runnext chains, a token ring, a syscall mix, exit from depth inside a repeat.</summary>
    public static readonly (string Name, string Text)[] Extra =
    [
        ("runnext-chain", "main {\n  go w; go w; go w\n  yield\n  release s; release s; release s\n  go leaf; go leaf\n}\nw {\n  acquire s\n  yield\n}\nleaf {\n  work 5\n}\n"),
        ("token-ring", "main {\n  go r0; go r1; go r2\n  release s0\n}\nr0 { repeat 3 { acquire s0; release s1 } }\nr1 { repeat 3 { acquire s1; release s2 } }\nr2 { repeat 3 { acquire s2; release s0 } }\n"),
        ("syscalls", "main {\n  go c; go c\n  syscall 3\n  yield\n}\nc {\n  syscall 1\n  yield\n  syscall 2\n}\n"),
        ("exit-in-repeat", "main {\n  go d\n  repeat 2 { yield }\n}\nd {\n  repeat 5 { call 64 { yield; exit } }\n}\n"),
        // A receiver waiting on an empty buffer, a direct hand-off to it, a full buffer with its sender waiting, the
        // full-buffer hand-off, and an unbuffered channel with a receiver waiting throughout.
        ("chan-mix", "chan c 2\nchan d 0\nmain {\n  go consumer\n  go r\n  yield\n  repeat 4 { send c }\n  send d\n}\nconsumer { repeat 4 { recv c } }\nr { recv d }\n"),
    ];

    /// <summary>Every corpus workload by name; <paramref name="includeOverflow"/> adds the stack-overflow sample.</summary>
    public static IEnumerable<(string Name, Workload Workload)> All(bool includeOverflow = false)
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepoRoot, "workloads"), "*.wl").Order())
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name == "overflow" && !includeOverflow) continue;
            yield return (name, WorkloadFiles.Read(file));
        }
        foreach (var (name, text) in Extra) yield return (name, WorkloadParser.Parse(text, name));
    }

    public static Workload Get(string name) => All(includeOverflow: true).First(c => c.Name == name).Workload;

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in All()) data.Add(name);
        return data;
    }
}
