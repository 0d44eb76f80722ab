using AzureRdsFix.Azure.SerialConsole;

namespace AzureRdsFix.Azure.Tests.SerialConsole;

/// <summary>The parsers on reg.exe's real layouts (Wine programs/reg/tests/query.c; captured REG_MULTI_SZ; German messages).</summary>
public sealed class SerialCommandsTests
{
    [Theory]
    [InlineData("\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core\r\n    LicensingMode    REG_DWORD    0x4\r\n\r\n", 4)]
    [InlineData("\r\nHKEY_LOCAL_MACHINE\\X\r\n    LicensingMode    REG_DWORD    0xabc\r\n\r\n", 0xabc)]
    [InlineData("C:\\Windows\\system32>reg query \"HKLM\\X\" /v LicensingMode\r\n\r\nHKEY_LOCAL_MACHINE\\X\r\n    LicensingMode    REG_DWORD    0x2\r\n\r\n\r\nC:\\Windows\\system32>", 2)]
    public void ParseQuery_RegDword_ReadsLowercaseHex(string text, int expected)
    {
        SerialCommands.ParseQuery(new CommandOutput(text, 0), "LicensingMode")!.DWord.Should().Be(expected);
    }

    [Fact]
    public void ParseQuery_RegMultiSz_SplitsOnLiteralBackslashZero()
    {
        var text = "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters\\LicenseServers\r\n    SpecifiedLicenseServers    REG_MULTI_SZ    ls01.contoso.com\\0ls02.contoso.com\r\n\r\n";

        SerialCommands.ParseQuery(new CommandOutput(text, 0), "SpecifiedLicenseServers")!.Entries.Should().Equal("ls01.contoso.com", "ls02.contoso.com");
    }

    [Fact]
    public void ParseQuery_PolicyRegSzList_SplitsOnCommas()
    {
        var text = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services\r\n    LicenseServers    REG_SZ    oldls.contoso.com, ls02\r\n\r\n";

        SerialCommands.ParseQuery(new CommandOutput(text, 0), "LicenseServers")!.Entries.Should().Equal("oldls.contoso.com", "ls02");
    }

    [Theory]
    [InlineData("ERROR: The system was unable to find the specified registry key or value.\r\n")]
    [InlineData("FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\r\n")]
    public void ParseQuery_MissingValueInAnyLanguage_IsAbsentByExitCode(string text)
    {
        SerialCommands.ParseQuery(new CommandOutput(text, 1), "LicensingMode").Should().BeNull();
    }

    [Fact]
    public void ParseQuery_SuccessWithoutValueLine_IsAProtocolError()
    {
        FluentActions.Invoking(() => SerialCommands.ParseQuery(new CommandOutput("Der Vorgang wurde erfolgreich beendet.\r\n", 0), "LicensingMode"))
            .Should().Throw<SerialConsoleException>().Which.Failure.Should().Be(SerialFailure.Protocol);
    }

    [Fact]
    public void EnsureSucceeded_LocalizedSuccessMessageButNonZeroExit_Fails()
    {
        FluentActions.Invoking(() => SerialCommands.EnsureSucceeded(new CommandOutput("Der Vorgang wurde erfolgreich beendet.\r\n", 1), "reg add"))
            .Should().Throw<SerialConsoleException>().WithMessage("*exited with code 1*");
    }

    [Fact]
    public void Commands_AlwaysForceRegAddAndNeverRestartFromDism()
    {
        SerialCommands.SetDWord(SerialCommands.LicensingCoreKey, "LicensingMode", 4).Should().EndWith("/t REG_DWORD /d 4 /f");
        SerialCommands.SetMultiString(SerialCommands.LicenseServersKey, "SpecifiedLicenseServers", ["ls01", "10.0.0.4"]).Should().Contain("/d \"ls01\\010.0.0.4\" /f");
        SerialCommands.DisableFeature(SerialCommands.RdshDismFeature).Should().Be("dism /online /disable-feature /featurename:Remote-Desktop-Services /NoRestart");
    }

    [Theory]
    [InlineData("ls01 & shutdown /r")]
    [InlineData("a\"b")]
    [InlineData("%COMPUTERNAME%")]
    public void Reach_HostThatIsNotAHostName_IsNeverTyped(string host)
    {
        FluentActions.Invoking(() => SerialCommands.Reach(host)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => SerialCommands.SetMultiString(SerialCommands.LicenseServersKey, "SpecifiedLicenseServers", [host])).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ParseReach_MarkerLineButNotItsEcho_IsRead()
    {
        var echo = "C:\\Windows\\system32>" + SerialCommands.Reach("ls01.contoso.com") + "\r\n";

        SerialCommands.ParseReach(new CommandOutput(echo, 0)).Should().BeNull("the typed line never matches the marker");
        SerialCommands.ParseReach(new CommandOutput(echo + "AZRDSFIX-REACH 1 0\r\n", 0)).Should().Be((true, false));
    }

    [Fact]
    public void Commands_AllStayFarBelowSacsPasteLimit()
    {
        var longest = new[]
        {
            SerialCommands.Reach(new string('a', 63) + "." + new string('b', 63) + "." + new string('c', 63)),
            SerialCommands.Grace(),
            SerialCommands.SetMultiString(SerialCommands.LicenseServersKey, "SpecifiedLicenseServers", [.. Enumerable.Repeat(new string('a', 63) + ".contoso.com", 4)]),
        }.Max(c => c.Length);

        longest.Should().BeLessThan(SacOptions.MaxLineLength);
    }
}
