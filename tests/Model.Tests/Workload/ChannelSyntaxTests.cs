using Model.Workload;

namespace Model.Tests.Workload;

/// <summary>The channel part of the workload language: declarations, send/recv/close, select with its cases.</summary>
public class ChannelSyntaxTests
{
    private const string Example = """
        chan c 0
        chan d 3
        chan n nil
        main {
          go worker
          send c
          select {
            send c { yield }
            recv d
            default { work 5 }
          }
          close d
        }
        worker {
          recv c
          select { }
        }
        """;

    [Fact]
    public void Declarations_ops_and_select_cases_parse_to_the_tree()
    {
        var w = WorkloadParser.Parse(Example);
        Assert.True(w.Channels.SequenceEqual([new ChanDecl("c", 0), new ChanDecl("d", 3), new ChanDecl("n", 0, IsNil: true)]));
        Assert.Equal(1, w.ChannelIndex("d"));
        var sel = Assert.IsType<SelectOp>(w.Main.Ops[2]);
        var cases = sel.CaseOps.ToList();
        Assert.Equal([SelectCaseKind.Send, SelectCaseKind.Recv, SelectCaseKind.Default], cases.Select(c => c.Kind));
        Assert.Equal(["c", "d", null], cases.Select(c => c.Chan));
        Assert.Equal(2, sel.DefaultIndex);
        Assert.Equal(2, sel.ChannelCases);
        Assert.IsType<YieldOp>(cases[0].Body[0]);
        Assert.Empty(cases[1].Body);
        Assert.Empty(Assert.IsType<SelectOp>(w["worker"].Ops[1]).Cases);
    }

    [Fact]
    public void Select_cases_and_their_blocks_are_numbered_in_pre_order()
    {
        var w = WorkloadParser.Parse(Example);
        var points = new ProgramPoints(w);
        // main: go(0) send(1) select(2) case send(3) yield(4) case recv(5) default(6) work(7) close(8)
        Assert.Equal(9, points.Count(0));
        Assert.IsType<YieldOp>(points.OpAt(new ProgramPoint(0, 4)));
        Assert.IsType<WorkOp>(points.OpAt(new ProgramPoint(0, 7)));
        Assert.IsType<CloseOp>(points.OpAt(new ProgramPoint(0, 8)));
    }

    [Fact]
    public void Printing_round_trips()
    {
        var w = WorkloadParser.Parse(Example);
        var printed = WorkloadPrinter.Print(w);
        Assert.Equal(w, WorkloadParser.Parse(printed));
        Assert.StartsWith("chan c 0\nchan d 3\nchan n nil\n", printed);
    }

    [Fact]
    public void Channel_declarations_take_part_in_equality()
    {
        var a = WorkloadParser.Parse("chan c 0\nmain { send c }");
        var b = WorkloadParser.Parse("chan c 1\nmain { send c }");
        Assert.NotEqual(a, b);
        Assert.Equal(a, WorkloadParser.Parse("chan c 0\n\nmain {\n  send c\n}"));
    }

    [Theory]
    [InlineData("main { send c }", 1, 8, "'send c': no channel named 'c' (no channel is declared")]
    [InlineData("chan c 0\nmain { recv d }", 2, 8, "'recv d': no channel named 'd' (channels: c)")]
    [InlineData("chan c 0\nmain { select { recv x } }", 2, 17, "'recv x': no channel named 'x'")]
    [InlineData("chan c 0\nmain { select { default; default } }", 2, 26, "a select has at most one default (the first is at line 2, column 17)")]
    [InlineData("chan c 0\nchan c 1\nmain { }", 2, 1, "channel 'c' is declared twice (first at line 1)")]
    [InlineData("chan c\nmain { }", 1, 7, "'chan c' needs a capacity (0 for unbuffered) or 'nil'")]
    [InlineData("chan c 2000000\nmain { }", 1, 8, "capacity must be between 0 and 1048576")]
    [InlineData("main { chan c 0 }", 1, 8, "'chan' declares a channel at the top level")]
    [InlineData("chan c 0\nmain { select { yield } }", 2, 17, "expected a select case (send C, recv C or default)")]
    [InlineData("chan c 0\nmain { select recv c }", 2, 15, "'select' needs a block of cases")]
    [InlineData("chan select 0\nmain { }", 1, 6, "'select' is a keyword, not a channel name")]
    [InlineData("main { default }", 1, 8, "'default' is a case of a select, not an op")]
    public void Channel_errors_name_line_and_column(string text, int line, int column, string problem)
    {
        var e = Assert.Throws<WorkloadException>(() => WorkloadParser.Parse(text, "w.wl"));
        Assert.Contains(problem, e.Problem);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Fact]
    public void The_validator_rejects_what_the_parser_rejects_for_workloads_built_in_code()
    {
        var twoDefaults = new Model.Workload.Workload(
            [new Body("main", new Block([new SelectOp(new Block([
                new SelectCaseOp(SelectCaseKind.Default, null, Block.Empty),
                new SelectCaseOp(SelectCaseKind.Default, null, Block.Empty)]))]))]);
        Assert.Contains(WorkloadValidator.Problems(twoDefaults), p => p.Contains("two defaults"));
        var undeclared = new Model.Workload.Workload([new Body("main", new Block([new SendOp("c")]))]);
        Assert.Contains(WorkloadValidator.Problems(undeclared), p => p.Contains("'send c' names no channel"));
    }

    [Fact]
    public void A_frame_that_sends_or_receives_has_the_two_value_slots()
    {
        var w = WorkloadParser.Parse("chan c 1\nmain { repeat 2 { send c }; call 40 { yield } }");
        Assert.True(FrameAbi.UsesChanSlots(w.Main.Ops));
        Assert.Equal(16 + 16, FrameAbi.FrameSize(0, w.Main.Ops)); // one repeat counter (16 aligned) + the slots
        Assert.Equal(16 + 8, FrameAbi.SendSlotOffset(w.Main.Ops));
        Assert.Equal(16 + 16, FrameAbi.RecvSlotOffset(w.Main.Ops));
        var call = (CallOp)w.Main.Ops[1];
        Assert.False(FrameAbi.UsesChanSlots(call.Body));
        Assert.Equal(48, FrameAbi.FrameSize(40, call.Body));
    }

    [Fact]
    public void Sleep_and_io_parse_and_print_and_io_needs_a_positive_delay()
    {
        var w = WorkloadParser.Parse("main { sleep 10; io 250; work 1 }");
        Assert.Equal(new SleepOp(10), w.Main.Ops[0]);
        Assert.Equal(new IoOp(250), w.Main.Ops[1]);
        Assert.Equal(w, WorkloadParser.Parse(WorkloadPrinter.Print(w)));
        Assert.Contains("io 250", WorkloadPrinter.Print(w));
        var e = Assert.Throws<WorkloadException>(() => WorkloadParser.Parse("main {\n  io 0\n}", "w.wl"));
        Assert.Equal(2, e.Line);
        Assert.Contains("'io' microseconds must be between 1 and", e.Problem);
    }

    [Fact]
    public void Poll_order_codes_decode_as_Go_draws_them()
    {
        Span<int> order = stackalloc int[3];
        var seen = new HashSet<string>();
        for (var code = 0; code < ChanContract.PollOrderCount(3); code++)
        {
            ChanContract.PollOrder(code, [0, 1, 2], order);
            seen.Add(string.Join(",", order.ToArray()));
        }
        Assert.Equal(6, seen.Count); // every permutation, once
        // draws j0=0, j1=1, j2=0: order [2,0,1]? step by step: [0]; j1=1 → [0,1]; j2=0 → [2,1,0]
        ChanContract.PollOrder(ChanContract.PollOrderCode([0, 1, 0]), [0, 1, 2], order);
        Assert.Equal([2, 1, 0], order.ToArray());
    }
}
