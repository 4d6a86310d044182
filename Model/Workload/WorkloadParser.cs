using System.Collections.Immutable;

namespace Model.Workload;

/// <summary>
/// Parses the workload language of ARCHITECTURE.md. Ops are separated by newlines or semicolons; a block
/// <c>{ ... }</c> may sit on one line; <c>#</c> starts a comment; names are letters, digits, <c>_</c> and <c>-</c>;
/// numbers are decimal. Every error names line and column.
/// </summary>
public static class WorkloadParser
{
    /// <summary>Largest frame a <c>call</c> may ask for: 1 GiB, Go's own limit (cmd/compile refuses a function whose
    /// frame is larger with "stack frame too large (>1GB)"). A frame that size cannot run anyway: with the frame
    /// pointer and the caller's frames it needs a stack above maxstacksize (1,000,000,000 bytes), so newstack reports
    /// the overflow; frames up to about 500 MB run.</summary>
    public const int MaxFrameBytes = 1 << 30;
    /// <summary>Largest count for <c>repeat</c>, <c>work</c> and <c>syscall</c>.</summary>
    public const int MaxCount = 1_000_000_000;

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "go", "yield", "acquire", "release", "syscall", "work", "call", "repeat", "exit",
        "send", "recv", "close", "select", "chan", "default", "sleep", "io",
    };

    /// <summary>Largest capacity a <c>chan</c> may declare.</summary>
    public const int MaxChanCapacity = 1 << 20;

    /// <summary>Parses <paramref name="text"/>; errors name <paramref name="fileName"/>:line:col. The model reads no
    /// files: Conformance's <c>WorkloadFiles.Read</c> does that.</summary>
    public static Workload Parse(string text, string? fileName = null) => new Parser(text, fileName).ParseWorkload();

    private enum Kind { Name, Number, LBrace, RBrace, Separator, End }

    private readonly record struct Token(Kind Kind, string Text, SourcePos Pos);

    private sealed class Parser
    {
        private readonly List<Token> _tokens;
        private readonly string? _file;
        private int _at;

        public Parser(string text, string? file)
        {
            _file = file;
            _tokens = Lex(text);
        }

        private WorkloadException Error(string problem, SourcePos pos) => new(problem, pos, _file);

        private List<Token> Lex(string text)
        {
            var tokens = new List<Token>();
            int line = 1, col = 1, i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                var pos = new SourcePos(line, col);
                if (c == '\n')
                {
                    tokens.Add(new Token(Kind.Separator, "\\n", pos));
                    i++; line++; col = 1;
                }
                else if (c == '\r' || c == ' ' || c == '\t') { i++; col++; }
                else if (c == '#')
                {
                    while (i < text.Length && text[i] != '\n') { i++; col++; }
                }
                else if (c == ';') { tokens.Add(new Token(Kind.Separator, ";", pos)); i++; col++; }
                else if (c == '{') { tokens.Add(new Token(Kind.LBrace, "{", pos)); i++; col++; }
                else if (c == '}') { tokens.Add(new Token(Kind.RBrace, "}", pos)); i++; col++; }
                else if (char.IsAsciiDigit(c))
                {
                    var start = i;
                    while (i < text.Length && IsNameChar(text[i])) { i++; col++; }
                    var word = text[start..i];
                    if (!word.All(char.IsAsciiDigit))
                        throw Error($"'{word}' is not a number (numbers are decimal digits only) nor a name (names start with a letter or '_')", pos);
                    tokens.Add(new Token(Kind.Number, word, pos));
                }
                else if (char.IsAsciiLetter(c) || c == '_')
                {
                    var start = i;
                    while (i < text.Length && IsNameChar(text[i])) { i++; col++; }
                    tokens.Add(new Token(Kind.Name, text[start..i], pos));
                }
                else
                {
                    throw Error($"unexpected character '{Printable(c)}'", pos);
                }
            }
            tokens.Add(new Token(Kind.End, "end of file", new SourcePos(line, col)));
            return tokens;
        }

        private static string Printable(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();

        private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-';

        private Token Peek => _tokens[_at];
        private Token Next() => _tokens[_at++];

        private void SkipSeparators()
        {
            while (Peek.Kind == Kind.Separator) _at++;
        }

        private static string Describe(Token t) => t.Kind switch
        {
            Kind.End => "end of file",
            Kind.Separator when t.Text == ";" => "';'",
            Kind.Separator => "end of line",
            _ => $"'{t.Text}'",
        };

        public Workload ParseWorkload()
        {
            var bodies = new List<Body>();
            var channels = new List<ChanDecl>();
            var seen = new Dictionary<string, SourcePos>(StringComparer.Ordinal);
            var seenChans = new Dictionary<string, SourcePos>(StringComparer.Ordinal);
            SkipSeparators();
            while (Peek.Kind != Kind.End)
            {
                if (Peek.Kind == Kind.Name && Peek.Text == "chan")
                {
                    var decl = ParseChanDecl();
                    if (seenChans.TryGetValue(decl.Name, out var firstDecl))
                        throw Error($"channel '{decl.Name}' is declared twice (first at line {firstDecl.Line})", decl.Pos);
                    seenChans[decl.Name] = decl.Pos;
                    channels.Add(decl);
                    var end = Peek;
                    if (end.Kind is not (Kind.Separator or Kind.End))
                        throw Error($"expected end of line after a channel declaration, found {Describe(end)}", end.Pos);
                    SkipSeparators();
                    continue;
                }
                var name = Next();
                if (name.Kind != Kind.Name)
                    throw Error($"expected a body name such as 'main', found {Describe(name)}", name.Pos);
                if (Keywords.Contains(name.Text))
                    throw Error($"'{name.Text}' is an op, not a body name; ops belong inside a body such as 'main {{ ... }}'", name.Pos);
                if (seen.TryGetValue(name.Text, out var first))
                    throw Error($"body '{name.Text}' is defined twice (first at line {first.Line})", name.Pos);
                seen[name.Text] = name.Pos;
                var open = Next();
                if (open.Kind != Kind.LBrace)
                    throw Error($"expected '{{' after body name '{name.Text}', found {Describe(open)}", open.Pos);
                var block = ParseBlock(open.Pos);
                bodies.Add(new Body(name.Text, block) { Pos = name.Pos });
                SkipSeparators();
            }
            var workload = new Workload(bodies, channels);
            Validate(workload);
            return workload;
        }

        /// <summary><c>chan NAME CAP</c> or <c>chan NAME nil</c>, at the top level.</summary>
        private ChanDecl ParseChanDecl()
        {
            var pos = Next().Pos;
            var name = Next();
            if (name.Kind != Kind.Name)
                throw Error($"'chan' needs a channel name, found {Describe(name)}", name.Pos);
            if (Keywords.Contains(name.Text))
                throw Error($"'{name.Text}' is a keyword, not a channel name", name.Pos);
            var cap = Peek;
            if (cap.Kind == Kind.Name && cap.Text == "nil")
            {
                _at++;
                return new ChanDecl(name.Text, 0, IsNil: true) { Pos = pos };
            }
            if (cap.Kind != Kind.Number)
                throw Error($"'chan {name.Text}' needs a capacity (0 for unbuffered) or 'nil', found {Describe(cap)}", cap.Pos);
            var n = ExpectNumber($"chan {name.Text}", "capacity", 0, MaxChanCapacity);
            return new ChanDecl(name.Text, n) { Pos = pos };
        }

        private Block ParseBlock(SourcePos openPos)
        {
            var ops = ImmutableArray.CreateBuilder<Op>();
            while (true)
            {
                SkipSeparators();
                var t = Peek;
                if (t.Kind == Kind.RBrace) { _at++; return new Block(ops.ToImmutable()); }
                if (t.Kind == Kind.End)
                    throw Error($"missing '}}' to close the block opened at line {openPos.Line}, column {openPos.Column}", t.Pos);
                ops.Add(ParseOp());
                var after = Peek;
                if (after.Kind is not (Kind.Separator or Kind.RBrace or Kind.End)) // at the end, the loop reports the missing '}'
                    throw Error($"expected end of line or ';' after an op, found {Describe(after)}", after.Pos);
            }
        }

        private Op ParseOp()
        {
            var word = Next();
            if (word.Kind != Kind.Name)
                throw Error($"expected an op ({OpList}), found {Describe(word)}", word.Pos);
            var pos = word.Pos;
            switch (word.Text)
            {
                case "go": return new GoOp(ExpectName("go", "a body name")) { Pos = pos };
                case "yield": return new YieldOp { Pos = pos };
                case "exit": return new ExitOp { Pos = pos };
                case "acquire": return new AcquireOp(ExpectName("acquire", "a semaphore name")) { Pos = pos };
                case "release": return new ReleaseOp(ExpectName("release", "a semaphore name")) { Pos = pos };
                case "syscall": return new SyscallOp(ExpectNumber("syscall", "microseconds", 0, MaxCount)) { Pos = pos };
                case "work": return new WorkOp(ExpectNumber("work", "iterations", 0, MaxCount)) { Pos = pos };
                case "sleep": return new SleepOp(ExpectNumber("sleep", "microseconds", 0, MaxCount)) { Pos = pos };
                case "io": return new IoOp(ExpectNumber("io", "microseconds", 1, MaxCount)) { Pos = pos };
                case "call":
                {
                    var size = Peek;
                    if (size.Kind == Kind.Number && (!long.TryParse(size.Text, out var big) || big > MaxFrameBytes))
                        throw Error($"'call' frame bytes: stack frame too large (>1GB): at most {MaxFrameBytes} bytes, as in Go, found {size.Text}", size.Pos);
                    var bytes = ExpectNumber("call", "frame bytes", 0, MaxFrameBytes);
                    return new CallOp(bytes, ExpectBlock("call")) { Pos = pos };
                }
                case "repeat":
                {
                    var n = ExpectNumber("repeat", "a count", 0, MaxCount);
                    return new RepeatOp(n, ExpectBlock("repeat")) { Pos = pos };
                }
                case "send": return new SendOp(ExpectName("send", "a channel name")) { Pos = pos };
                case "recv": return new RecvOp(ExpectName("recv", "a channel name")) { Pos = pos };
                case "close": return new CloseOp(ExpectName("close", "a channel name")) { Pos = pos };
                case "select": return ParseSelect(pos);
                case "chan":
                    throw Error("'chan' declares a channel at the top level, outside every body", pos);
                case "default":
                    throw Error("'default' is a case of a select, not an op", pos);
                default:
                    throw Error($"unknown op '{word.Text}' (ops: {OpList})", pos);
            }
        }

        private const string OpList = "go, yield, acquire, release, syscall, sleep, work, call, repeat, exit, send, recv, close, select";

        /// <summary><c>select { send C { ... } ; recv C { ... } ; default { ... } }</c>: a case's block may be left out
        /// (it is empty); at most one default.</summary>
        private SelectOp ParseSelect(SourcePos pos)
        {
            var open = Next();
            if (open.Kind != Kind.LBrace) throw Error($"'select' needs a block of cases '{{ ... }}', found {Describe(open)}", open.Pos);
            var cases = ImmutableArray.CreateBuilder<Op>();
            SourcePos? defaultAt = null;
            while (true)
            {
                SkipSeparators();
                var t = Next();
                if (t.Kind == Kind.RBrace) break;
                if (t.Kind == Kind.End)
                    throw Error($"missing '}}' to close the select opened at line {open.Pos.Line}, column {open.Pos.Column}", t.Pos);
                if (t.Kind != Kind.Name || t.Text is not ("send" or "recv" or "default"))
                    throw Error($"expected a select case (send C, recv C or default), found {Describe(t)}", t.Pos);
                SelectCaseKind kind;
                string? chan = null;
                if (t.Text == "default")
                {
                    if (defaultAt is { } first)
                        throw Error($"a select has at most one default (the first is at line {first.Line}, column {first.Column})", t.Pos);
                    defaultAt = t.Pos;
                    kind = SelectCaseKind.Default;
                }
                else
                {
                    kind = t.Text == "send" ? SelectCaseKind.Send : SelectCaseKind.Recv;
                    chan = ExpectName(t.Text, "a channel name");
                }
                var body = Block.Empty;
                if (Peek.Kind == Kind.LBrace) body = ParseBlock(Next().Pos);
                cases.Add(new SelectCaseOp(kind, chan, body) { Pos = t.Pos });
                var after = Peek;
                if (after.Kind is not (Kind.Separator or Kind.RBrace or Kind.End))
                    throw Error($"expected end of line or ';' after a select case, found {Describe(after)}", after.Pos);
            }
            return new SelectOp(new Block(cases.ToImmutable())) { Pos = pos };
        }

        private string ExpectName(string op, string what)
        {
            var t = Next();
            if (t.Kind != Kind.Name) throw Error($"'{op}' needs {what}, found {Describe(t)}", t.Pos);
            return t.Text;
        }

        private int ExpectNumber(string op, string what, int min, int max)
        {
            var t = Next();
            if (t.Kind != Kind.Number) throw Error($"'{op}' needs a number ({what}), found {Describe(t)}", t.Pos);
            if (!int.TryParse(t.Text, out var n) || n < min || n > max)
                throw Error($"'{op}' {what} must be between {min} and {max}, found {t.Text}", t.Pos);
            return n;
        }

        private Block ExpectBlock(string op)
        {
            var t = Next();
            if (t.Kind != Kind.LBrace) throw Error($"'{op}' needs a block '{{ ... }}', found {Describe(t)}", t.Pos);
            return ParseBlock(t.Pos);
        }

        private void Validate(Workload workload)
        {
            if (workload.BodyIndex(Workload.MainBody) < 0)
                throw Error("no 'main' body: execution starts with 'main { ... }'", new SourcePos(1, 1));
            foreach (var body in workload.Bodies) ValidateBlock(workload, body.Ops);
        }

        private void ValidateBlock(Workload workload, Block block)
        {
            foreach (var op in block)
            {
                switch (op)
                {
                    case GoOp g when workload.BodyIndex(g.Body) < 0:
                        throw Error($"'go {g.Body}': no body named '{g.Body}' (bodies: {string.Join(", ", workload.Bodies.Select(b => b.Name))})", g.Pos);
                    case SendOp { Chan: var c } when workload.ChannelIndex(c) < 0: throw UndeclaredChannel(workload, "send", c, op.Pos);
                    case RecvOp { Chan: var c } when workload.ChannelIndex(c) < 0: throw UndeclaredChannel(workload, "recv", c, op.Pos);
                    case CloseOp { Chan: var c } when workload.ChannelIndex(c) < 0: throw UndeclaredChannel(workload, "close", c, op.Pos);
                    case SelectCaseOp { Chan: { } c } sc when workload.ChannelIndex(c) < 0:
                        throw UndeclaredChannel(workload, sc.Kind == SelectCaseKind.Send ? "send" : "recv", c, op.Pos);
                }
                if (op.Nested is { } inner) ValidateBlock(workload, inner);
            }
        }

        private WorkloadException UndeclaredChannel(Workload workload, string op, string chan, SourcePos pos)
        {
            var known = workload.Channels.Length == 0
                ? "no channel is declared; declare one at the top level with 'chan " + chan + " 0'"
                : "channels: " + string.Join(", ", workload.Channels.Select(c => c.Name));
            return Error($"'{op} {chan}': no channel named '{chan}' ({known})", pos);
        }
    }
}
