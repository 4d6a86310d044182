using Conformance.Isolation;

namespace Conformance.Tests.Isolation;

public class ExitStatusTests
{
    [Theory]
    [InlineData(139, "SIGSEGV", "killed by SIGSEGV (exit status 139)")]
    [InlineData(134, "SIGABRT", "killed by SIGABRT (exit status 134)")]
    [InlineData(137, "SIGKILL", "killed by SIGKILL (exit status 137)")]
    [InlineData(-11, "SIGSEGV", "killed by SIGSEGV (exit status -11)")]
    [InlineData(0, null, "exited with status 0")]
    [InlineData(3, null, "exited with status 3")]
    [InlineData(128, null, "exited with status 128")]
    public void An_exit_code_is_decoded_into_a_signal_name(int code, string? signal, string words)
    {
        Assert.Equal(signal, ExitStatus.Signal(code));
        Assert.Equal(words, ExitStatus.Describe(code));
    }
}
