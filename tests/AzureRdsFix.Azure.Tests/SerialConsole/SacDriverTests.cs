using AzureRdsFix.Azure.SerialConsole;

namespace AzureRdsFix.Azure.Tests.SerialConsole;

public sealed class SacDriverTests
{
    private const string LicensingCoreQuery = "reg query \"HKLM\\\\SYSTEM\\\\CurrentControlSet\\\\Control\\\\Terminal Server\\\\RCM\\\\Licensing Core\" /v LicensingMode";

    private static readonly SerialCredentials Account = new("rdsadmin", null, SacTranscripts.Password);

    private static SacOptions Quick(TimeSpan? timeout = null) => SacOptions.Fast with
    {
        SacPromptTimeout = timeout ?? TimeSpan.FromSeconds(5),
        CommandTimeout = timeout ?? TimeSpan.FromSeconds(5),
        CmdPromptTimeout = timeout ?? TimeSpan.FromSeconds(5),
        EchoTimeout = timeout ?? TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task RunAsync_RecordedServer2019Session_ReadsRegDwordAndExitCodeThenLeavesCleanly()
    {
        var transport = new ScriptedSacTransport(
            SacTranscripts.Banner,
            [
                .. SacTranscripts.Login(),
                .. SacTranscripts.Command(
                    1,
                    LicensingCoreQuery,
                    "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core\r\n    LicensingMode    REG_DWORD    0x5\r\n\r\n",
                    0),
                .. SacTranscripts.Logout(),
            ]);
        var driver = new SacDriver(transport, Quick(), TimeProvider.System);

        await driver.OpenAsync(Account, CancellationToken.None);
        var output = await driver.RunAsync(SerialCommands.Query(SerialCommands.LicensingCoreKey, SerialCommands.LicensingMode), null, CancellationToken.None);
        await driver.CloseAsync(CancellationToken.None);

        transport.Mismatches.Should().BeEmpty();
        driver.Channel.Should().Be("Cmd0002", "the channel is opened by the name SAC announced, not by index");
        output.ExitCode.Should().Be(0);
        SerialCommands.ParseQuery(output, SerialCommands.LicensingMode)!.DWord.Should().Be(5);
        transport.Typed.Should().EndWith(["exit", "\x1b\t0", "ch -cn Cmd0002"], "the session logs out, returns to SAC and closes its channel");
    }

    [Fact]
    public async Task OpenAsync_UnableToAuthenticate_ThrowsLoginFailedWithoutThePassword()
    {
        var steps = SacTranscripts.Login().Take(6).Append(
            new SacStep(".*", "\r\nUnable to authenticate.\r\n\r\nPlease enter login credentials.\r\n\0Username: ", Echo: false));
        var transport = new ScriptedSacTransport(SacTranscripts.Banner, steps);
        var driver = new SacDriver(transport, Quick(), TimeProvider.System);

        var error = (await FluentActions.Awaiting(() => driver.OpenAsync(Account, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.LoginFailed);
        error.Message.Should().Contain("rdsadmin").And.NotContain(SacTranscripts.Password);
        driver.LoggedIn.Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_EndMarkerNeverComes_TimesOutSayingWhatItWaitedFor()
    {
        var transport = new ScriptedSacTransport(
            SacTranscripts.Banner,
            [
                .. SacTranscripts.Login(),
                new SacStep("echo AZRDSFIX\\^-BEGIN 1", "\r\nAZRDSFIX-BEGIN 1\r\n" + SacTranscripts.Prompt),
                new SacStep(".*", null),
            ]);
        var driver = new SacDriver(transport, Quick(TimeSpan.FromMilliseconds(400)) with { SacPromptTimeout = TimeSpan.FromSeconds(5), CmdPromptTimeout = TimeSpan.FromSeconds(5) }, TimeProvider.System);
        await driver.OpenAsync(Account, CancellationToken.None);

        var error = (await FluentActions.Awaiting(() => driver.RunAsync("reg query \"HKLM\\SOFTWARE\" /v X", null, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().BeOneOf(SerialFailure.Timeout, SerialFailure.Protocol);
        error.Message.Should().Contain("0.4 s");
    }

    [Fact]
    public async Task RunAsync_SessionClosedMidCommand_ThrowsSessionLost()
    {
        var transport = new ScriptedSacTransport(
            SacTranscripts.Banner,
            [
                .. SacTranscripts.Login(),
                new SacStep("echo AZRDSFIX\\^-BEGIN 1", "\r\nAZRDSFIX-BEGIN 1\r\n" + SacTranscripts.Prompt),
                new SacStep("reg add .*", null, CloseAfter: true),
            ]);
        var driver = new SacDriver(transport, Quick(), TimeProvider.System);
        await driver.OpenAsync(Account, CancellationToken.None);

        var error = (await FluentActions.Awaiting(() => driver.RunAsync(SerialCommands.SetDWord(SerialCommands.LicensingCoreKey, SerialCommands.LicensingMode, 4), null, CancellationToken.None))
            .Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.SessionLost);
    }

    [Fact]
    public async Task OpenAsync_NoSacPromptEvenAfterEscTab0_TimesOutNamingTheSacPrompt()
    {
        var transport = new ScriptedSacTransport(string.Empty, []);
        var driver = new SacDriver(transport, Quick(TimeSpan.FromMilliseconds(200)), TimeProvider.System);

        var error = (await FluentActions.Awaiting(() => driver.OpenAsync(Account, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.Timeout);
        error.Message.Should().Contain("SAC> prompt");
        transport.Sends.Should().Contain("\x1b\t0", "a session left in a channel is brought back to SAC with Esc-Tab-0 before giving up");
    }

    [Fact]
    public async Task OpenAsync_MaximumChannelsReached_ClosesLeftoverChannelsAndLaunchesAgain()
    {
        var closeAll = Enumerable.Range(1, 9).Reverse().Select(i => new SacStep($"ch -ci {i}", i > 2 ? "\r\nError: There is no channel present at the specified index.\r\nSAC>" : "\r\nSAC>"));
        var login = SacTranscripts.Login("Cmd0003").ToList();
        var transport = new ScriptedSacTransport(
            SacTranscripts.Banner,
            [
                login[0],
                new SacStep("cmd", "\r\nThe maximum number of channels has been reached.\r\nSAC>"),
                .. closeAll,
                .. login.Skip(1),
            ]);
        var driver = new SacDriver(transport, Quick(), TimeProvider.System);

        await driver.OpenAsync(Account, CancellationToken.None);

        transport.Mismatches.Should().BeEmpty();
        driver.Channel.Should().Be("Cmd0003");
        driver.LoggedIn.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_LineOf2048Characters_IsRefusedBeforeTyping()
    {
        var transport = new ScriptedSacTransport(SacTranscripts.Banner, SacTranscripts.Login());
        var driver = new SacDriver(transport, Quick(), TimeProvider.System);
        await driver.OpenAsync(Account, CancellationToken.None);
        var sent = transport.Sends.Count;

        await FluentActions.Awaiting(() => driver.RunAsync("echo " + new string('x', 2048), null, CancellationToken.None)).Should().ThrowAsync<ArgumentException>();

        transport.Sends.Skip(sent).Should().NotContain(s => s.Contains("xxxx", StringComparison.Ordinal));
    }

    [Fact]
    public void Clean_NulsAndVt100SplitAcrossPieces_LeavesMatchableText()
    {
        var first = SacText.Clean("C:\\Windows\\\0system32>\x1b[", out var pending);
        var second = SacText.Clean(pending + "1;1H\x1b[0mUsername:", out var rest);

        (first + second).Should().Be("C:\\Windows\\system32>\r\nUsername:");
        rest.Should().BeEmpty();
    }
}
