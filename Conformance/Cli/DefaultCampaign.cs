namespace Conformance.Cli;

/// <summary>The default campaign (no arguments). Not built yet: the conformance issue owns this file.</summary>
public static class DefaultCampaign
{
    public static int Run()
    {
        Console.Error.WriteLine("checker: the default campaign is not built yet");
        return CheckerCli.ExitBadInput;
    }
}
