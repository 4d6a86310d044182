using System.Runtime.InteropServices;
using Native.Layout;

namespace Native.Tests;

/// <summary>Per-goroutine record in native memory that the test bodies read (RDX = ctxt = &amp;Rec) and write.
/// Offsets are fixed by the struct layout; <see cref="Off"/> gives them to the emitters.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct Rec
{
    public long Yields;     // how many times the body yields before returning
    public long Seed;       // a value the body keeps in its frame (and its complement)
    public long Resumes;    // incremented after every resume
    public long Errors;     // incremented by every failed in-body check
    public nint ExpectG;    // the G* the body must see in R14
    public nint LastM;      // g.m seen at the last resume
    public nint Other;      // switch_to partner (ping-pong)
    public long Count;      // loop count (ping-pong, systemstack)
    public long ObsSp;      // g.sched fields seen by the body's first instructions (after gogo)
    public long ObsBp;
    public long ObsCtxt;
    public long ObsRet;
    public long ObsPc;
    public long ObsRax;     // RAX at the body's start (gogo loads sched.ret)
    public long ObsRdx;     // RDX at the body's start (gogo loads sched.ctxt)
    public long ObsRspMod16;
    public nint Fn;         // systemstack target
    public long A0;
    public long Result;     // sum of systemstack results
    public long MisalignedResumes;
    public long Reason;     // the McallReason the yield body passes to mcall (Gs.New sets Gosched)
    public Gobuf Buf;       // gosave's buffer

    public static class Off
    {
        public static readonly int Yields = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Yields));
        public static readonly int Seed = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Seed));
        public static readonly int Resumes = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Resumes));
        public static readonly int Errors = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Errors));
        public static readonly int ExpectG = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ExpectG));
        public static readonly int LastM = (int)Marshal.OffsetOf<Rec>(nameof(Rec.LastM));
        public static readonly int Other = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Other));
        public static readonly int Count = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Count));
        public static readonly int ObsSp = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsSp));
        public static readonly int ObsBp = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsBp));
        public static readonly int ObsCtxt = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsCtxt));
        public static readonly int ObsRet = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsRet));
        public static readonly int ObsPc = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsPc));
        public static readonly int ObsRax = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsRax));
        public static readonly int ObsRdx = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsRdx));
        public static readonly int ObsRspMod16 = (int)Marshal.OffsetOf<Rec>(nameof(Rec.ObsRspMod16));
        public static readonly int Fn = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Fn));
        public static readonly int A0 = (int)Marshal.OffsetOf<Rec>(nameof(Rec.A0));
        public static readonly int Result = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Result));
        public static readonly int MisalignedResumes = (int)Marshal.OffsetOf<Rec>(nameof(Rec.MisalignedResumes));
        public static readonly int Reason = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Reason));
        public static readonly int Buf = (int)Marshal.OffsetOf<Rec>(nameof(Rec.Buf));
    }
}
