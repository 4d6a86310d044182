namespace Native.Layout;

/// <summary>
/// Byte offsets of our M record (Go's runtime.m, cut down to what the stubs and the scheduler need; the order is ours,
/// Go's m has no stable asm offsets besides g0 at 0).
/// <code>
///   +0   g0        the M's system g (its stack is the .NET thread's stack)
///   +8   curg      the g currently running on this M (entry and switch_to write it)
///   +16  p         the attached P (owned by Implementation)
///   +24  reason    i32, the McallReason mcall stored last
///   +28  locks     i32, spare counter for Implementation
///   +32  id        i64
///   +40  oldp      (Implementation)   +48 spinning (i32, Implementation)  +52 (pad)
///   +56  schedPtr  (Implementation)
///   +64  morebuf   gobuf, 56 bytes: morestack's caller (Go's m.morebuf)
///   +120 Spare0..Spare8 (Implementation)
///   +192 shadowsched  gobuf, 56 bytes: with StubOptions.ShadowSched, mcall, the systemstack switch and morestack copy
///                     the switching g's whole g.sched here before they save into it (the sched the g ran with)
///   +248 Spare9 (Implementation)
///   =256
/// </code>
/// </summary>
public static class MLayout
{
    public const int G0 = 0;
    public const int CurG = 8;
    public const int P = 16;
    public const int Reason = 24;
    public const int Locks = 28;
    public const int Id = 32;
    public const int OldP = 40;
    public const int Spinning = 48;
    public const int SchedPtr = 56;
    public const int Morebuf = 64;
    public const int Spare0 = 120;
    public const int Spare1 = 128;
    public const int Spare2 = 136;
    public const int Spare3 = 144;
    public const int Spare4 = 152;
    public const int Spare5 = 160;
    public const int Spare6 = 168;
    public const int Spare7 = 176;
    public const int Spare8 = 184;
    public const int ShadowSched = 192;
    public const int Spare9 = 248;
    public const int Size = 256;

    public const int MorebufSp = Morebuf + GobufLayout.Sp;
    public const int MorebufPc = Morebuf + GobufLayout.Pc;
    public const int MorebufG = Morebuf + GobufLayout.G;

    public const int ShadowSchedSp = ShadowSched + GobufLayout.Sp;
    public const int ShadowSchedPc = ShadowSched + GobufLayout.Pc;
    public const int ShadowSchedG = ShadowSched + GobufLayout.G;
    public const int ShadowSchedCtxt = ShadowSched + GobufLayout.Ctxt;
    public const int ShadowSchedRet = ShadowSched + GobufLayout.Ret;
    public const int ShadowSchedLr = ShadowSched + GobufLayout.Lr;
    public const int ShadowSchedBp = ShadowSched + GobufLayout.Bp;
}
