using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>Go's go_asm.h idea: every offset constant the emitters use equals the C# struct's real layout.</summary>
public unsafe class LayoutTests
{
    private static int Off<T>(string field) => (int)Marshal.OffsetOf<T>(field);

    [Fact]
    public void Gobuf_offsets_match_Go_1_19_amd64_and_the_struct()
    {
        Assert.Equal((0, 8, 16, 24, 32, 40, 48, 56),
            (GobufLayout.Sp, GobufLayout.Pc, GobufLayout.G, GobufLayout.Ctxt, GobufLayout.Ret, GobufLayout.Lr, GobufLayout.Bp, GobufLayout.Size));
        Assert.Equal(GobufLayout.Sp, Off<Gobuf>(nameof(Gobuf.Sp)));
        Assert.Equal(GobufLayout.Pc, Off<Gobuf>(nameof(Gobuf.Pc)));
        Assert.Equal(GobufLayout.G, Off<Gobuf>(nameof(Gobuf.G)));
        Assert.Equal(GobufLayout.Ctxt, Off<Gobuf>(nameof(Gobuf.Ctxt)));
        Assert.Equal(GobufLayout.Ret, Off<Gobuf>(nameof(Gobuf.Ret)));
        Assert.Equal(GobufLayout.Lr, Off<Gobuf>(nameof(Gobuf.Lr)));
        Assert.Equal(GobufLayout.Bp, Off<Gobuf>(nameof(Gobuf.Bp)));
        Assert.Equal(GobufLayout.Size, sizeof(Gobuf));
    }

    [Fact]
    public void G_offsets_match_Go_where_Go_has_the_field_and_the_struct_everywhere()
    {
        // Go 1.19 amd64 runtime.g offsets.
        Assert.Equal((0, 8, 16, 24, 48, 56), (GLayout.StackLo, GLayout.StackHi, GLayout.StackGuard0, GLayout.StackGuard1, GLayout.M, GLayout.Sched));
        Assert.Equal((112, 120, 128, 136, 144, 152, 160),
            (GLayout.SyscallSp, GLayout.SyscallPc, GLayout.StkTopSp, GLayout.Param, GLayout.AtomicStatus, GLayout.Goid, GLayout.SchedLink));

        (string Field, int Const)[] fields =
        [
            (nameof(G.StackLo), GLayout.StackLo), (nameof(G.StackHi), GLayout.StackHi),
            (nameof(G.StackGuard0), GLayout.StackGuard0), (nameof(G.StackGuard1), GLayout.StackGuard1),
            (nameof(G.M), GLayout.M), (nameof(G.Sched), GLayout.Sched), (nameof(G.SyscallSp), GLayout.SyscallSp),
            (nameof(G.SyscallPc), GLayout.SyscallPc), (nameof(G.StkTopSp), GLayout.StkTopSp), (nameof(G.Param), GLayout.Param),
            (nameof(G.AtomicStatus), GLayout.AtomicStatus), (nameof(G.Goid), GLayout.Goid), (nameof(G.SchedLink), GLayout.SchedLink),
            (nameof(G.WaitSema), GLayout.WaitSema), (nameof(G.Body), GLayout.Body), (nameof(G.GoPc), GLayout.GoPc),
            (nameof(G.ParentGoid), GLayout.ParentGoid), (nameof(G.WaitReason), GLayout.WaitReason), (nameof(G.Index), GLayout.Index),
            (nameof(G.StartPc), GLayout.StartPc), (nameof(G.StackCanary), GLayout.StackCanary), (nameof(G.Spare0), GLayout.Spare0),
            (nameof(G.Spare1), GLayout.Spare1), (nameof(G.Spare2), GLayout.Spare2), (nameof(G.Spare3), GLayout.Spare3),
            (nameof(G.Spare4), GLayout.Spare4), (nameof(G.SendSeq), GLayout.SendSeq), (nameof(G.SelectDone), GLayout.SelectDone), (nameof(G.Preempt), GLayout.Preempt),
            (nameof(G.Waiting), GLayout.Waiting),
        ];
        foreach (var (field, c) in fields)
        {
            Assert.True(Off<G>(field) == c, $"G.{field}: const {c}, struct {Off<G>(field)}");
        }

        Assert.Equal(GLayout.Size, sizeof(G));
        Assert.Equal(0, GLayout.Size % 64);
        Assert.Equal(GLayout.Sched + GobufLayout.Sp, GLayout.SchedSp);
        Assert.Equal(GLayout.Sched + GobufLayout.Pc, GLayout.SchedPc);
        Assert.Equal(GLayout.Sched + GobufLayout.Bp, GLayout.SchedBp);
        Assert.Equal(GLayout.Sched + GobufLayout.Ctxt, GLayout.SchedCtxt);
        Assert.Equal(GLayout.Sched + GobufLayout.Ret, GLayout.SchedRet);
        Assert.Equal(GLayout.Sched + GobufLayout.G, GLayout.SchedG);
    }

    [Fact]
    public void M_offsets_match_the_struct()
    {
        (string Field, int Const)[] fields =
        [
            (nameof(M.G0), MLayout.G0), (nameof(M.CurG), MLayout.CurG), (nameof(M.P), MLayout.P),
            (nameof(M.Reason), MLayout.Reason), (nameof(M.Locks), MLayout.Locks), (nameof(M.Id), MLayout.Id),
            (nameof(M.OldP), MLayout.OldP), (nameof(M.Spinning), MLayout.Spinning), (nameof(M.SchedPtr), MLayout.SchedPtr),
            (nameof(M.Morebuf), MLayout.Morebuf), (nameof(M.Spare0), MLayout.Spare0), (nameof(M.Spare8), MLayout.Spare8),
            (nameof(M.ShadowSched), MLayout.ShadowSched), (nameof(M.Spare9), MLayout.Spare9),
        ];
        foreach (var (field, c) in fields)
        {
            Assert.True(Off<M>(field) == c, $"M.{field}: const {c}, struct {Off<M>(field)}");
        }

        Assert.Equal(0, MLayout.G0);
        Assert.Equal(MLayout.Size, sizeof(M));
        Assert.Equal(MLayout.Morebuf + GobufLayout.Pc, MLayout.MorebufPc);
        Assert.Equal(0, MLayout.Size % 64);
        Assert.Equal((192, 256), (MLayout.ShadowSched, MLayout.Size));
        Assert.Equal(
            (MLayout.ShadowSched + GobufLayout.Sp, MLayout.ShadowSched + GobufLayout.Pc, MLayout.ShadowSched + GobufLayout.G,
                MLayout.ShadowSched + GobufLayout.Ctxt, MLayout.ShadowSched + GobufLayout.Ret,
                MLayout.ShadowSched + GobufLayout.Lr, MLayout.ShadowSched + GobufLayout.Bp),
            (MLayout.ShadowSchedSp, MLayout.ShadowSchedPc, MLayout.ShadowSchedG, MLayout.ShadowSchedCtxt, MLayout.ShadowSchedRet,
                MLayout.ShadowSchedLr, MLayout.ShadowSchedBp));
    }

    [Fact]
    public void McallReason_values_are_frozen()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7],
            new[]
            {
                McallReason.Bad, McallReason.Gosched, McallReason.Park, McallReason.Exit, McallReason.ExitSyscall,
                McallReason.Morestack, McallReason.BadMorestackG0, McallReason.Reentered,
            }.Select(r => (int)r));
    }
}
