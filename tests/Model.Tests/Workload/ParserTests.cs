using FsCheck;
using FsCheck.Fluent;
using Model.Workload;

namespace Model.Tests.Workload;

/// <summary>The workload language: every syntax error names line and column; printing round-trips.</summary>
public class ParserTests
{
    [Theory]
    [InlineData("main { yeild }", 1, 8, "unknown op 'yeild'")]
    [InlineData("main {\n  go\n}", 2, 5, "'go' needs a body name, found end of line")]
    [InlineData("main { go nobody }", 1, 8, "no body named 'nobody'")]
    [InlineData("main {\n  yield", 2, 8, "missing '}' to close the block opened at line 1, column 6")]
    [InlineData("main { yield yield }", 1, 14, "expected end of line or ';' after an op")]
    [InlineData("main { work x }", 1, 13, "'work' needs a number (iterations)")]
    [InlineData("main { call 9999999999 { } }", 1, 13, "stack frame too large (>1GB): at most 1073741824 bytes")]
    [InlineData("w { }", 1, 1, "no 'main' body")]
    [InlineData("main { }\nmain { }", 2, 1, "body 'main' is defined twice (first at line 1)")]
    [InlineData("main { $ }", 1, 8, "unexpected character '$'")]
    [InlineData("9x { }", 1, 1, "'9x' is not a number")]
    [InlineData("yield { }", 1, 1, "'yield' is an op, not a body name")]
    [InlineData("main yield", 1, 6, "expected '{' after body name 'main'")]
    [InlineData("main { repeat 3 yield }", 1, 17, "'repeat' needs a block")]
    [InlineData("{ }", 1, 1, "expected a body name such as 'main'")]
    [InlineData("main {\n  acquire\n}", 2, 10, "'acquire' needs a semaphore name")]
    [InlineData("main {\n\tsyscall -1\n}", 2, 10, "unexpected character '-'")]
    [InlineData("main { call 8 { yield }\n", 2, 1, "missing '}' to close the block opened at line 1, column 6")]
    public void Every_syntax_error_names_line_and_column(string text, int line, int column, string problem)
    {
        var e = Assert.Throws<WorkloadException>(() => WorkloadParser.Parse(text, "w.wl"));
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.Contains(problem, e.Problem);
        Assert.StartsWith($"w.wl:{line}:{column}: ", e.Message);
    }

    [Fact]
    public void The_parser_reads_no_files_the_specification_does_no_io()
    {
        var methods = typeof(WorkloadParser).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static);
        Assert.DoesNotContain(methods, m => m.Name.Contains("File", StringComparison.Ordinal));
    }

    [Fact]
    public void Comments_semicolons_and_one_line_blocks_parse()
    {
        var w = WorkloadParser.Parse("# c\nmain { go w; repeat 2 { yield }  # trailing\n}\nw{exit}");
        Assert.Equal(2, w.Bodies.Length);
        Assert.Equal(new Block([new GoOp("w"), new RepeatOp(2, new Block([new YieldOp()]))]), w.Main.Ops);
        Assert.Equal(["s"], WorkloadParser.Parse("main { acquire s; release s; release s }").Semaphores());
    }

    [Fact]
    public void Program_points_number_ops_in_pre_order()
    {
        var w = WorkloadParser.Parse("main {\n  call 8 { repeat 2 { yield }; exit }\n  yield\n}");
        var pp = new ProgramPoints(w);
        Assert.Equal(5, pp.Count(0));
        Assert.IsType<RepeatOp>(pp.OpAt(new ProgramPoint(0, 1)));
        Assert.IsType<YieldOp>(pp.OpAt(new ProgramPoint(0, 2)));
        Assert.IsType<ExitOp>(pp.OpAt(new ProgramPoint(0, 3)));
        Assert.Equal("main line 3: yield", pp.Describe(new ProgramPoint(0, 4)));
    }

    private static readonly string[] Names = ["main", "w1", "w_2", "x-y", "B"];
    private static readonly string[] Semas = ["s", "t", "done"];

    private static Gen<Op> OpGen(int depth, int bodies)
    {
        var leaves = new List<Gen<Op>>
        {
            Gen.Choose(0, bodies - 1).Select(i => (Op)new GoOp(Names[i])),
            Gen.Constant((Op)new YieldOp()),
            Gen.Elements(Semas).Select(s => (Op)new AcquireOp(s)),
            Gen.Elements(Semas).Select(s => (Op)new ReleaseOp(s)),
            Gen.Choose(0, 100000).Select(n => (Op)new SyscallOp(n)),
            Gen.Choose(0, 100000).Select(n => (Op)new WorkOp(n)),
            Gen.Constant((Op)new ExitOp()),
        };
        if (depth > 0)
        {
            var block = BlockGen(depth - 1, bodies);
            leaves.Add(Gen.Choose(0, WorkloadParser.MaxFrameBytes).SelectMany(n => block.Select(b => (Op)new CallOp(n, b))));
            leaves.Add(Gen.Choose(0, 1000).SelectMany(n => block.Select(b => (Op)new RepeatOp(n, b))));
        }
        return Gen.OneOf(leaves.ToArray());
    }

    private static Gen<Block> BlockGen(int depth, int bodies) =>
        Gen.Choose(0, 4).SelectMany(n => OpGen(depth, bodies).ArrayOf(n)).Select(ops => new Block(ops));

    private static Gen<Model.Workload.Workload> WorkloadGen() =>
        from n in Gen.Choose(1, Names.Length)
        from blocks in BlockGen(2, n).ArrayOf(n)
        select new Model.Workload.Workload(blocks.Select((b, i) => new Body(Names[i], b)));

    [Fact]
    public void Random_workloads_print_and_reparse_to_the_same_tree()
    {
        Prop.ForAll(Arb.From(WorkloadGen()), w =>
        {
            Assert.True(WorkloadValidator.IsWellFormed(w), string.Join("; ", WorkloadValidator.Problems(w)));
            var text = WorkloadPrinter.Print(w);
            var back = WorkloadParser.Parse(text);
            return back.Equals(w) && WorkloadPrinter.Print(back) == text;
        }).Label("print → parse → equal").QuickCheckThrowOnFailure();
    }

    [Fact]
    public void The_validator_names_what_a_built_workload_gets_wrong()
    {
        var w = new Model.Workload.Workload([new Body("w", new Block([new GoOp("nobody"), new AcquireOp("1x")]))]);
        var problems = WorkloadValidator.Problems(w);
        Assert.Contains("no 'main' body", problems);
        Assert.Contains("w: 'go nobody' names no body", problems);
        Assert.Contains("w: bad semaphore name '1x'", problems);
    }
}
