using System.Buffers.Binary;
using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;

namespace Conformance.Replay;

/// <summary>
/// Everything needed to run one check again and get the same verdict: the workload (printed in canonical form),
/// GOMAXPROCS, the seed of the controlled scheduler, the schedule choices it made, the build, and (for the
/// mutation run) which seeded bug was on. <see cref="Verdict"/> is the verdict's signature seen when the token was
/// made ("conforms", or kind and event position such as "NotEnabled@57"), so a replay can say whether it reproduced.
/// </summary>
/// <remarks>
/// Encoding, version 1: <c>"ck1" + base64url(byte version, deflate(payload))</c>; the payload is little-endian:
/// u64 seed, varint procs, string build, string mutant, string verdict, string workload, varint n, n zig-zag varint
/// choices, u32 FNV-1a checksum of everything before it. Strings are a varint byte length and UTF-8.
/// </remarks>
public sealed record ReplayToken(
    ulong Seed,
    int Procs,
    string Workload,
    ImmutableArray<int> Choices,
    string Build,
    string Mutant = "",
    string Verdict = "")
{
    /// <summary>The encoding version written in the first byte.</summary>
    public const byte Version = 1;

    /// <summary>Every token starts with this, so a token is recognizable in a log.</summary>
    public const string Prefix = "ck1";

    public bool Equals(ReplayToken? other) =>
        other is not null && Seed == other.Seed && Procs == other.Procs && Workload == other.Workload &&
        Choices.SequenceEqual(other.Choices) && Build == other.Build && Mutant == other.Mutant && Verdict == other.Verdict;

    public override int GetHashCode() => HashCode.Combine(Seed, Procs, Workload, Choices.Length, Build, Mutant, Verdict);

    /// <summary>The token as one word, safe in a shell and a URL.</summary>
    public string Encode()
    {
        var payload = new MemoryStream();
        var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true);
        w.Write(Seed);
        w.Write7BitEncodedInt(Procs);
        w.Write(Build);
        w.Write(Mutant);
        w.Write(Verdict);
        w.Write(Workload);
        var choices = Choices.IsDefault ? [] : Choices;
        w.Write7BitEncodedInt(choices.Length);
        foreach (var c in choices) w.Write7BitEncodedInt((c << 1) ^ (c >> 31));
        w.Flush();
        w.Write(Fnv1a(payload.GetBuffer().AsSpan(0, (int)payload.Length)));
        w.Flush();

        var packed = new MemoryStream();
        packed.WriteByte(Version);
        using (var deflate = new DeflateStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            deflate.Write(payload.GetBuffer(), 0, (int)payload.Length);
        return Prefix + Base64Url(packed.ToArray());
    }

    /// <summary>Reads a token; a token that is damaged or from an unknown version gives a message saying so.</summary>
    public static bool TryDecode(string text, out ReplayToken? token, out string error)
    {
        token = null;
        text = text.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            error = $"a replay token starts with '{Prefix}' (copy it whole from the report or the output)";
            return false;
        }
        byte[] packed;
        try { packed = FromBase64Url(text[Prefix.Length..]); }
        catch (FormatException)
        {
            error = "the replay token is not valid base64url: it was probably cut or wrapped when copied";
            return false;
        }
        if (packed.Length < 2)
        {
            error = "the replay token is too short: it was probably cut when copied";
            return false;
        }
        if (packed[0] != Version)
        {
            error = $"the replay token has encoding version {packed[0]}, this checker reads version {Version}";
            return false;
        }
        try
        {
            var payload = new MemoryStream();
            using (var inflate = new DeflateStream(new MemoryStream(packed, 1, packed.Length - 1), CompressionMode.Decompress))
                inflate.CopyTo(payload);
            var bytes = payload.ToArray();
            if (bytes.Length < 4 || Fnv1a(bytes.AsSpan(0, bytes.Length - 4)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)))
            {
                error = "the replay token is damaged (checksum mismatch)";
                return false;
            }
            var r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 4), Encoding.UTF8);
            var seed = r.ReadUInt64();
            var procs = r.Read7BitEncodedInt();
            var build = r.ReadString();
            var mutant = r.ReadString();
            var verdict = r.ReadString();
            var workload = r.ReadString();
            var n = r.Read7BitEncodedInt();
            if (n < 0 || n > bytes.Length * 8) throw new InvalidDataException("bad choice count");
            var choices = ImmutableArray.CreateBuilder<int>(n);
            for (var i = 0; i < n; i++)
            {
                var z = r.Read7BitEncodedInt();
                choices.Add((int)((uint)z >> 1) ^ -(z & 1));
            }
            token = new ReplayToken(seed, procs, workload, choices.MoveToImmutable(), build, mutant, verdict);
            error = "";
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException)
        {
            error = $"the replay token is damaged ({e.Message})";
            return false;
        }
    }

    /// <summary>Reads a token, or throws <see cref="FormatException"/> with the reason.</summary>
    public static ReplayToken Decode(string text) =>
        TryDecode(text, out var token, out var error) ? token! : throw new FormatException(error);

    private static uint Fnv1a(ReadOnlySpan<byte> data)
    {
        var h = 2166136261u;
        foreach (var b in data) h = (h ^ b) * 16777619u;
        return h;
    }

    private static string Base64Url(byte[] data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string s)
    {
        if (s.AsSpan().IndexOfAny("+/=") >= 0) throw new FormatException("not base64url");
        var b64 = s.Replace('-', '+').Replace('_', '/');
        b64 += (b64.Length % 4) switch { 0 => "", 2 => "==", 3 => "=", _ => throw new FormatException("bad length") };
        return Convert.FromBase64String(b64);
    }
}
