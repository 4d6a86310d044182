namespace Bench.Peers;

/// <summary>Options of the <c>peers</c> verb.</summary>
/// <param name="Quick">Fewer iterations and rounds: the whole command in about 15 seconds instead of two minutes.</param>
/// <param name="Json">Print the JSON object instead of the text table.</param>
/// <param name="OutDir">Where peers.md, peers.svg and peers.json are written; null writes nothing.</param>
/// <param name="Install">Run scripts/install-peers.sh when a compiler is missing (as root only).</param>
/// <param name="UpdateReadme">Refresh the results block of Bench/README.md.</param>
/// <param name="Statistic">How each figure summarises its samples (--min: the smallest).</param>
public sealed record PeersOptions(bool Quick, bool Json, string? OutDir, bool Install, bool UpdateReadme = false,
    Statistic Statistic = Statistic.Median)
{
    /// <summary>The usage text.</summary>
    public const string Usage =
        "usage: peers [--quick] [--json] [--out DIR | --no-write] [--no-install] [--update-readme] [--min]\n" +
        "  --quick       fewer iterations and rounds (about 15 seconds instead of two minutes)\n" +
        "  --json        print the JSON object instead of the table\n" +
        "  --out DIR     write peers.md, peers.svg and peers.json there (default: Bench/results/latest, ignored by git; Bench/results with --update-readme)\n" +
        "  --no-write    write no files\n" +
        "  --no-install  do not run scripts/install-peers.sh when a compiler is missing\n" +
        "  --update-readme  refresh the results block of Bench/README.md (links results/peers.svg)\n" +
        "  --min         report the smallest sample of each figure instead of the median";

    /// <summary>Parses the arguments after the verb; throws <see cref="ArgumentException"/> naming a bad option.</summary>
    public static PeersOptions Parse(IReadOnlyList<string> args, string? defaultOutDir)
    {
        bool quick = false, json = false, install = true, write = true, readme = false, min = false;
        string? outDir = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--json": json = true; break;
                case "--no-install": install = false; break;
                case "--no-write": write = false; break;
                case "--update-readme": readme = true; break;
                case "--min": min = true; break;
                case "--out":
                    if (i + 1 >= args.Count) throw new ArgumentException("option '--out' needs a directory");
                    outDir = args[++i];
                    break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }
        return new PeersOptions(quick, json, write ? outDir ?? defaultOutDir : null, install, readme,
            min ? Statistic.Min : Statistic.Median);
    }
}
