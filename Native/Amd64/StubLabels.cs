using Iced.Intel;

namespace Native.Amd64;

/// <summary>
/// The labels of the stub set, shared by the emitters so one stub can jump to another. Iced's Label is a mutable
/// struct: fields here are bound in place (<c>a.Label(ref l.Gogo)</c>) and copied out only after assembly checks.
/// </summary>
internal sealed class StubLabels
{
    public Label Entry;
    public Label Gogo;
    public Label EntryRet;
    public Label EntryReentered;
    public Label Mcall;
    public Label McallG0;
    public Label McallBad;
    public Label Systemstack;
    public Label SystemstackRet;
    public Label SystemstackNoSwitch;
    public Label Goexit;
    public Label Goexit1;
    public Label Gosave;
    public Label SwitchTo;
    public Label Morestack;
    public Label MorestackG0;
    public Label BadMcall;

    public StubLabels(Assembler a)
    {
        Entry = a.CreateLabel("entry");
        Gogo = a.CreateLabel("gogo");
        EntryRet = a.CreateLabel("entry_ret");
        EntryReentered = a.CreateLabel("entry_reentered");
        Mcall = a.CreateLabel("mcall");
        McallG0 = a.CreateLabel("mcall_g0");
        McallBad = a.CreateLabel("mcall_bad");
        Systemstack = a.CreateLabel("systemstack");
        SystemstackRet = a.CreateLabel("systemstack_ret");
        SystemstackNoSwitch = a.CreateLabel("systemstack_noswitch");
        Goexit = a.CreateLabel("goexit");
        Goexit1 = a.CreateLabel("goexit1");
        Gosave = a.CreateLabel("gosave");
        SwitchTo = a.CreateLabel("switch_to");
        Morestack = a.CreateLabel("morestack");
        MorestackG0 = a.CreateLabel("morestack_g0");
        BadMcall = a.CreateLabel("badmcall");
    }
}
