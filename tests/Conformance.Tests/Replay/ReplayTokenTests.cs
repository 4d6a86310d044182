using System.Collections.Immutable;
using Conformance.Generators;
using Conformance.Replay;
using FsCheck;
using FsCheck.Fluent;
using Model.Workload;

namespace Conformance.Tests.Replay;

public class ReplayTokenTests
{
    private static Gen<ReplayToken> Tokens =>
        from seed in Gen.Choose(0, int.MaxValue).Select(x => (ulong)x * 2654435761UL)
        from procs in Gen.Elements(1, 2, 4, 64)
        from w in WorkloadGen.Any
        from choices in Gen.ListOf(Gen.Choose(-3, 1000))
        from mutant in Gen.Elements("", "RunqPutIgnoresNext", "GfGetHandsOutLiveG")
        from verdict in Gen.Elements("conforms", "NotEnabled at event 57: g3 ⇒ ünïcode")
        select new ReplayToken(seed, procs, WorkloadPrinter.Print(w), [.. choices], BuildId.Current, mutant, verdict);

    [Fact]
    public void Encoding_and_decoding_gives_the_same_token()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(Arb.From(Tokens), t =>
        {
            var text = t.Encode();
            var back = ReplayToken.Decode(text);
            return back.Equals(t) && text.StartsWith(ReplayToken.Prefix, StringComparison.Ordinal)
                && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
        }));
    }

    [Fact]
    public void Extreme_values_survive()
    {
        var t = new ReplayToken(ulong.MaxValue, 1, "main {\n}\n", [int.MinValue, int.MaxValue, 0, -1], "b", "", "");
        Assert.Equal(t, ReplayToken.Decode(t.Encode()));
    }

    [Theory]
    [InlineData("", "starts with 'ck1'")]
    [InlineData("xyz", "starts with 'ck1'")]
    [InlineData("ck1!!!!", "not valid base64url")]
    [InlineData("ck1A", "not valid base64url")]
    public void Bad_tokens_say_what_is_wrong(string text, string expected)
    {
        Assert.False(ReplayToken.TryDecode(text, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_damaged_or_future_token_is_refused()
    {
        var good = new ReplayToken(7, 2, "main {\n  yield\n}\n", [1, 2, 3], "abc").Encode();
        // Flip one character in the middle of the payload.
        var chars = good.ToCharArray();
        var i = good.Length / 2;
        chars[i] = chars[i] == 'A' ? 'B' : 'A';
        Assert.False(ReplayToken.TryDecode(new string(chars), out _, out var error));
        Assert.Contains("damaged", error);

        var bytes = Convert.FromBase64String(Pad(good[3..].Replace('-', '+').Replace('_', '/')));
        bytes[0] = 9;
        var future = "ck1" + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.False(ReplayToken.TryDecode(future, out _, out error));
        Assert.Contains("version 9", error);
        Assert.Throws<FormatException>(() => ReplayToken.Decode(future));
    }

    private static string Pad(string s) => s + new string('=', (4 - s.Length % 4) % 4);

    [Fact]
    public void Build_id_is_stable_within_a_build()
    {
        Assert.Equal(BuildId.Current, BuildId.Current);
        Assert.Equal(12, BuildId.Current.Length);
        Assert.True(ImmutableArray.Create(BuildId.Current.ToCharArray()).All(char.IsAsciiHexDigitLower));
    }
}
