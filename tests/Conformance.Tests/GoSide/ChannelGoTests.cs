using Conformance.Generators;
using Conformance.GoSide;
using Model;
using Model.Contract;
using Model.Workload;

namespace Conformance.Tests.GoSide;

/// <summary>A fact that needs Go 1.19 and a model that steps channel ops (Model/Stepper.Chan.cs, Stepper.Select.cs):
/// skipped, with the reason, while the model has no chansend/selectgo. (The model cannot be asked by running it: before
/// it knows channels, a channel op may send its stepper round forever, and this runs at test discovery.)</summary>
public sealed class GoAndModelChannelsFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        var stepper = typeof(SchedModel).Assembly.GetType("Model.Stepper");
        var names = stepper?.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
            .Select(m => m.Name.ToLowerInvariant()).ToHashSet() ?? [];
        return names.Any(n => n.Contains("chansend", StringComparison.Ordinal)) && names.Any(n => n.Contains("selectgo", StringComparison.Ordinal))
            ? null
            : "the model has no chansend/selectgo yet (Model/Stepper.Chan.cs): its channel ops are not stepped";
    });

    public GoAndModelChannelsFactAttribute()
    {
        if (Missing.Value is { } why) Skip = why;
        else if (new GoFactAttribute().Skip is { } noGo) Skip = noGo;
    }
}

/// <summary>vs-go's channel side: the Go program, Go's trace of channel blocking, Go's channel wait reasons and panics.</summary>
public class ChannelGoTests
{
    private static Workload Parse(string text) => WorkloadParser.Parse(text);
    private static Workload File(string name) => Conformance.Cli.WorkloadFiles.Read(Path.Combine(VsGoTests.RepoRoot(), "workloads", name));

    [Fact]
    public void Channels_and_channel_ops_become_Go_statements_written_literally()
    {
        var w = Parse("chan c 0\nchan d 3\nchan n nil\nmain {\n  send c\n  recv d\n  close d\n  select {\n    default { yield }\n    send c { work 1 }\n    recv n\n  }\n  select {\n    recv d\n  }\n  select { }\n  call 64 { send d }\n}\n");
        var program = GoProgramWriter.Write([w]);
        var src = program.Files["workloads.go"];
        Assert.Contains("var c0_0 = make(chan int64, 0) // chan c 0", src);
        Assert.Contains("var c0_1 = make(chan int64, 3) // chan d 3", src);
        Assert.Contains("var c0_2 chan int64 // chan n nil", src);
        Assert.Contains("*sent++; atomic.AddInt32(&blocked, 1); c0_0 <- *sent; atomic.AddInt32(&blocked, -1) // send c", src);
        Assert.Contains("atomic.AddInt32(&blocked, 1); chanSink, chanOk = <-c0_1; atomic.AddInt32(&blocked, -1) // recv d", src);
        Assert.Contains("close(c0_1) // close d", src);
        // The select with a default: one send count, no blocked count, the default written last.
        Assert.Contains("\t*sent++; select {\n\tcase c0_0 <- *sent: // send c\n\t\twork(1)\n\tcase chanSink, chanOk = <-c0_2: // recv n\n\tdefault:\n\t\truntime.Gosched()\n\t}\n", src);
        // A one-case select stays a select: Go's compiler makes it the plain receive.
        Assert.Contains("\tatomic.AddInt32(&blocked, 1); select {\n\tcase chanSink, chanOk = <-c0_1: // recv d\n\t\tatomic.AddInt32(&blocked, -1)\n\t}\n", src);
        Assert.Contains("atomic.AddInt32(&blocked, 1); select {} // select { }", src);
        // A call gets the goroutine's send counter.
        Assert.Contains("w0b0c12(sent)", src);
        Assert.Contains("func w0b0c12(sent *int64) { // call 64", src);
        // Every line of a select names it, so a goroutine blocked there is found whichever line Go reports.
        var lines = src.Split('\n');
        var selectLine = Array.FindIndex(lines, l => l.Contains("case c0_0 <- *sent")) + 1;
        Assert.IsType<SelectOp>(program.ChanLines[0][selectLine]);
        Assert.IsType<SelectOp>(program.ChanLines[0][selectLine - 1]);
    }

    /// <summary>Generated channel workloads of every shape, the samples, and syscall-free copies keep their channels.</summary>
    private static List<Workload> ChannelBatch()
    {
        var list = new List<Workload> { File("channels.wl"), File("select-race.wl") };
        foreach (var shape in WorkloadGen.ChannelShapes)
            list.AddRange(WorkloadGen.Sample(WorkloadGen.Of(shape), 20, 13, 3).Select(SyscallFree.Of));
        return list;
    }

    [Fact]
    public void Removing_syscalls_keeps_channels_and_reaches_select_cases()
    {
        var w = Parse("chan c 1\nmain {\n  select {\n    recv c { syscall 5; yield }\n    default { syscall 1 }\n  }\n}\n");
        var free = SyscallFree.Of(w);
        Assert.False(SyscallFree.Has(free));
        Assert.Equal(w.Channels, free.Channels);
        Assert.Equal("chan c 1\nmain {\n  select {\n    recv c {\n      yield\n    }\n    default { }\n  }\n}\n", WorkloadPrinter.Print(free));
    }

    [GoFact]
    public void The_Go_program_of_every_channel_shape_builds_with_Go_1_19()
    {
        var batch = ChannelBatch();
        using var built = GoBatch.Build(GoFactAttribute.Go, batch, out var error);
        Assert.True(built is not null, error);
    }

    [GoFact]
    public void Go_traces_a_ping_pong_as_blocks_on_send_and_receive_and_unblocks_by_the_partner()
    {
        // On one P, pong (in runnext) runs only when main parks: main's send on ping finds no receiver and parks
        // (GoBlockSend); pong's receive takes main's value directly and readies main, then pong's send on pong finds
        // main not yet receiving and parks (GoBlockSend); main's receive takes it and readies pong; and so on: six
        // parks on send, none on receive.
        var w = Parse("chan ping 0\nchan pong 0\nmain {\n  go pong\n  repeat 3 { send ping; recv pong }\n}\npong {\n  repeat 3 { recv ping; send pong }\n}\n");
        using var batch = GoBatch.Build(GoFactAttribute.Go, [w], out var error) ?? throw new InvalidOperationException(error);
        var run = batch.Run(0, 1, 0);
        Assert.Equal("completed", run.HarnessOutcome);
        Assert.NotNull(run.Trace);
        var view = new GoWorkloadView(run.Trace!, 0);
        Assert.True(view.Marker >= 0);
        var main = view.Main!;
        var pong = Assert.Single(view.Created).G;
        var blocks = run.Trace!.Events.Where(e => view.InWorkload(e.Index) && e.Kind is GoEventType.GoBlockSend or GoEventType.GoBlockRecv)
            .Select(e => (e.G, e.Kind)).ToList();
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? main.Goid : pong.Goid, GoEventType.GoBlockSend)), blocks);
        // The projection makes each block a wait, and each wake-up an unblock by the other goroutine.
        var waits = pong.History.Where(s => s.EventIndex > view.Marker && s.To == GoStatus.Waiting).ToList();
        Assert.NotEmpty(waits);
        Assert.All(waits, s => Assert.StartsWith("GoBlock", s.Detail));
        var wakes = pong.History.Where(s => s.EventIndex > view.Marker && s.Detail == "GoUnblock").ToList();
        Assert.Equal(waits.Count, wakes.Count);
        Assert.All(wakes, s => Assert.Equal(main.Goid, s.By));
        // Every status change is a model edge and the body's sequence: send and recv park at most once each.
        foreach (var (g, body) in new[] { (main, 0), (pong, 1) })
        {
            var steps = g.History.Where(s => s.EventIndex > view.Marker).ToList();
            Assert.All(steps, s => Assert.True(ModelContract.IsLegal(s.From, s.To, out var edge), edge));
            Assert.Null(BodyMatcher.Match(w, body, g == main ? steps : g.History, g == main));
        }
    }

    [GoFact]
    public void Go_names_each_channel_wait_in_its_deadlock_dump_and_vs_go_maps_it_to_the_op()
    {
        var w = Parse("chan never 0\nchan nobody 0\nchan nilc nil\nmain {\n  go a\n  go b\n  go c\n  go d\n  go e\n  recv never\n}\n" +
                      "a { send nobody }\nb { recv nilc }\nc { send nilc }\nd { select { } }\ne { select { recv never; recv nilc; send nobody } }\n");
        using var batch = GoBatch.Build(GoFactAttribute.Go, [w], out var error) ?? throw new InvalidOperationException(error);
        var run = batch.Run(0, 1, 0);
        Assert.Equal("blocked", run.HarnessOutcome);
        Assert.True(run.GoReportedDeadlock, run.Process.StdErr);
        var view = new GoWorkloadView(run.Trace!, 0);
        var bodyOf = view.Created.ToDictionary(c => c.G.Goid, c => w.Bodies[c.Body].Name);
        bodyOf[view.Main!.Goid] = "main";
        var found = run.Dump.Where(d => bodyOf.ContainsKey(d.Goid))
            .ToDictionary(d => bodyOf[d.Goid], d => VsGoComparer.BlockedOf(w, batch.Program, 0, d)?.ToString());
        Assert.Equal("[chan receive] on never", found["main"]);
        Assert.Equal("[chan send] on nobody", found["a"]);
        Assert.Equal("[chan receive (nil chan)] on nilc", found["b"]);
        Assert.Equal("[chan send (nil chan)] on nilc", found["c"]);
        Assert.Equal("[select (no cases)]", found["d"]);
        Assert.Equal("[select] on never, nobody", found["e"]);
        // Go's trace shows the parks: GoStop for the nil channels and select {}, GoBlockSelect for the select.
        var kinds = run.Trace!.Events.Where(e => view.InWorkload(e.Index) && bodyOf.ContainsKey(e.G)).GroupBy(e => bodyOf[e.G])
            .ToDictionary(g => g.Key, g => g.Select(e => e.Kind).ToHashSet());
        Assert.Contains(GoEventType.GoStop, kinds["b"]);
        Assert.Contains(GoEventType.GoStop, kinds["d"]);
        Assert.Contains(GoEventType.GoBlockSelect, kinds["e"]);
        Assert.Contains(GoEventType.GoBlockSend, kinds["a"]);
        Assert.Contains(GoEventType.GoBlockRecv, kinds["main"]);
    }

    [GoFact]
    public void A_select_whose_channels_are_all_nil_parks_as_Go_traces_it_GoBlockSelect_not_GoStop()
    {
        // Found by comparing with Go 1.19: selectgo with nothing to queue still parks through selparkcommit and
        // traceEvGoBlockSelect; only block() (select {}) is traced as GoStop. Both sides had GoStop at first.
        var w = Parse("chan nilc nil\nchan never 0\nmain {\n  go f\n  recv never\n}\nf { select { recv nilc; send nilc } }\n");
        using var batch = GoBatch.Build(GoFactAttribute.Go, [w], out var error) ?? throw new InvalidOperationException(error);
        var run = batch.Run(0, 1, 0);
        Assert.True(run.GoReportedDeadlock, run.Process.StdErr);
        var view = new GoWorkloadView(run.Trace!, 0);
        var f = view.Created.Single().G.Goid;
        var goKinds = run.Trace!.Events.Where(e => view.InWorkload(e.Index) && e.G == f).Select(e => e.Kind).ToHashSet();
        Assert.Contains(GoEventType.GoBlockSelect, goKinds);
        Assert.DoesNotContain(GoEventType.GoStop, goKinds);

        var (final, _, events) = new SchedModel(w).RunToCompletion();
        var fGoid = final.AllGs.Single(g => g.Body == w.BodyIndex("f")).Goid;
        var modelKinds = events.Where(e => e.G == fGoid).Select(e => e.Kind).ToHashSet();
        Assert.Contains(EventKind.GoBlockSelect, modelKinds);
        Assert.DoesNotContain(EventKind.GoStop, modelKinds);
        Assert.Equal("select", final.BlockedOn(final.AllGs.Single(g => g.Goid == fGoid)));
    }

    [GoFact]
    public void A_panic_on_a_channel_ends_the_Go_run_with_its_message_its_goroutine_and_exit_2_with_the_trace_kept()
    {
        var ws = new[]
        {
            Parse("chan c 1\nmain {\n  close c\n  send c\n}\n"),
            Parse("chan c 0\nmain {\n  close c\n  close c\n}\n"),
            Parse("chan n nil\nmain {\n  yield\n  close n\n}\n"),
            Parse("chan c 0\nmain {\n  go s\n  yield\n  close c\n}\ns {\n  send c\n}\n"),
        };
        using var batch = GoBatch.Build(GoFactAttribute.Go, ws, out var error) ?? throw new InvalidOperationException(error);
        var expected = new[] { ChanContract.SendOnClosed, ChanContract.CloseOfClosed, ChanContract.CloseOfNil, ChanContract.SendOnClosed };
        for (var k = 0; k < ws.Length; k++)
        {
            var run = batch.Run(k, 1, 0);
            Assert.Equal(2, run.Process.ExitCode);
            Assert.Equal("panic", run.HarnessOutcome);
            var (message, goid) = run.Panic ?? throw new Xunit.Sdk.XunitException(run.Process.StdErr);
            Assert.Equal(expected[k], message);
            Assert.NotNull(run.Trace);
            var view = new GoWorkloadView(run.Trace!, k);
            Assert.True(view.PanicMarker > view.Marker);
            // The sender parked on c and woken by close panics, not main.
            var panicker = k == 3 ? view.Created.Single().G.Goid : view.Main!.Goid;
            Assert.Equal(panicker, goid);
        }
    }

    [Fact]
    public void Go_panic_text_and_channel_dump_headers_parse()
    {
        var panic = GoRun.ParsePanic("panic: send on closed channel\n\ngoroutine 7 [running]:\nmain.w0b1()\n\t/x/workloads.go:12 +0x25\n");
        Assert.Equal((ChanContract.SendOnClosed, 7UL), panic);
        Assert.Equal("panic: send on closed channel\n\ngoroutine 7 [running]:", ChanContract.PanicText(ChanContract.SendOnClosed, 7));
        Assert.Null(GoRun.ParsePanic("fatal error: all goroutines are asleep - deadlock!\n"));
        var dump = GoRun.ParseDump("goroutine 1 [chan receive]:\nmain.w0b0()\n\t/x/workloads.go:9 +0x1\n\ngoroutine 6 [select (no cases)]:\nmain.w0b2()\n\t/x/workloads.go:20 +0x1\n\ngoroutine 7 [chan send (nil chan), 2 minutes]:\nmain.w0b3c4(0xc000)\n\t/x/workloads.go:31 +0x1\n");
        Assert.Equal(["chan receive", "select (no cases)", "chan send (nil chan)"], dump.Select(d => d.WaitReason));
        Assert.Equal([9, 20, 31], dump.Select(d => d.Line));
        Assert.Equal("main.w0b3c4", dump[2].Function);
        foreach (var r in new[] { WaitReason.ChanReceive, WaitReason.ChanSend, WaitReason.Select, WaitReason.SelectNoCases, WaitReason.ChanReceiveNilChan, WaitReason.ChanSendNilChan, WaitReason.Semacquire })
            Assert.Equal(r, ModelContract.ReasonOf(r.GoName()));
        Assert.Equal(WaitReason.IOWait, ModelContract.ReasonOf("IO wait")); // io N's netpollblock
        Assert.Null(ModelContract.ReasonOf("GC assist marking"));
    }

    // ---- with the model's channels -----------------------------------------------------------------------------------

    [GoAndModelChannelsFact]
    public void On_one_P_Go_and_the_model_agree_on_the_channel_samples()
    {
        var ws = new[] { File("channels.wl"), File("select-race.wl") };
        var results = new VsGoCampaign { Go = GoFactAttribute.Go, Workloads = ws, Procs = [1, 2] }.Run().Results;
        Assert.All(results, r => Assert.True(r.Verdict.Kind == VsGoVerdictKind.Agree, $"workload {r.Workload} on {r.Procs}P: {r.Verdict.Message}"));
    }

    [GoAndModelChannelsFact]
    public void The_model_follows_Gos_poll_order_in_a_select_race()
    {
        // Both senders park on their unbuffered channels before main's first select, which finds both ready: the
        // model offers both poll orders there. Case a and case b give different run orders (case b's block yields).
        var w = File("select-race.wl");
        var a = ModelContract.PredictOneP(w, [0]);
        var b = ModelContract.PredictOneP(w, [1]);
        Assert.True(a.Choices >= 1, "the model offered no choice at the select");
        var index = a.Created.Select((c, i) => (c.Goid, i)).ToDictionary(x => x.Goid, x => x.i);
        var bodies = a.Created.Skip(1).Select(c => c.Body).ToList();
        var orderA = a.Starts.Select(g => index[g]).ToList();
        var orderB = b.Starts.Select(g => index[g]).ToList();
        Assert.NotEqual(orderA, orderB);
        // Given Go's run in either order, the model follows it.
        foreach (var go in new[] { orderA, orderB })
        {
            var followed = ModelContract.PredictOneP(w, new GoObservation(bodies, go));
            Assert.Equal(go, followed.Starts.Select(g => index[g]));
            Assert.Equal(ModelEnd.Completed, followed.End);
        }
        // An order neither poll order gives is not followed: the prediction is the path that agreed longest.
        var neither = orderA.Take(orderA.Count - 1).Append(99).ToList();
        Assert.NotEqual(neither, ModelContract.PredictOneP(w, new GoObservation(bodies, neither)).Starts.Select(g => index[g]));
        // Go's own run of it agrees, whichever order Go drew.
        using var batch = GoBatch.Build(GoFactAttribute.Go, [w], out var error) ?? throw new InvalidOperationException(error);
        for (var i = 0; i < 4; i++)
        {
            var v = VsGoComparer.CompareOneP(w, batch.Program, batch.Run(0, 1, 0));
            Assert.True(v.Kind is VsGoVerdictKind.Agree or VsGoVerdictKind.Perturbed, v.Message);
        }
    }

    [GoAndModelChannelsFact]
    public void Generated_channel_workloads_agree_with_Go_on_one_and_two_Ps()
    {
        var results = new VsGoCampaign { Go = GoFactAttribute.Go, Workloads = ChannelBatch(), Procs = [1, 2] }.Run().Results;
        Assert.All(results, r => Assert.True(r.Verdict.Kind is VsGoVerdictKind.Agree or VsGoVerdictKind.Perturbed,
            $"workload {r.Workload} on {r.Procs}P: {r.Verdict.Kind}: {r.Verdict.Message}; Go {r.Verdict.GoOutcome}; model {r.Verdict.ModelOutcome}"));
    }
}
