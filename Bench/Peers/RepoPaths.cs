namespace Bench.Peers;

/// <summary>Where the repository, the peer sources and the install script are.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding Checker.sln), searched upwards from the working directory and then from this assembly; null if neither is inside it.</summary>
    public static string? FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Checker.sln"))) return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>The peers/ sources: the copy next to Bench.dll (the build copies them), else the repository's.</summary>
    public static string PeerSources() => Locate("peers");

    /// <summary>scripts/install-peers.sh: the copy next to Bench.dll, else the repository's.</summary>
    public static string InstallScript() => Path.Combine(Locate("scripts"), "install-peers.sh");

    static string Locate(string folder)
    {
        var copied = Path.Combine(AppContext.BaseDirectory, folder);
        if (Directory.Exists(copied)) return copied;
        return FindRoot() is string root ? Path.Combine(root, folder) : copied;
    }
}
