namespace AzureRdsFix.Guest.Tests;

public sealed class GuestScriptsTests
{
    [Fact]
    public void EmbeddedScriptNames_OnlyTheGuestScripts_NoTestsOrHelpers()
    {
        GuestScripts.EmbeddedScriptNames().Should().Equal("Get-RdsLicensingState.ps1", "Set-RdsLicensing.ps1");
    }

    [Fact]
    public void Probe_Request_IsTheEmbeddedScriptWithNoParameters()
    {
        var request = GuestScripts.Probe();

        request.Name.Should().Be("Get-RdsLicensingState.ps1");
        request.Kind.Should().Be("probe");
        request.Lines[0].Should().Be(GuestScripts.ProbeHeader);
        request.Parameters.Should().BeEmpty();
        string.Join('\n', request.Lines).Should().Be(GuestScripts.Compose("Get-RdsLicensingState.ps1"));
    }

    [Theory]
    [InlineData("Get-RdsLicensingState.ps1")]
    [InlineData("Set-RdsLicensing.ps1")]
    public void Compose_Script_ReplacesTheIncludeLineWithTheSharedHelpersOnce(string name)
    {
        var source = GuestScripts.ReadScript(name).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');
        var helpers = GuestScripts.ReadScript("GuestHelpers.Include.ps1").Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

        var composed = GuestScripts.Compose(name);

        source.Should().Contain("#AZRDSFIX-INCLUDE GuestHelpers.Include.ps1\n");
        source.Should().NotContain("function Test-IpLiteral", "the helpers live in one file");
        composed.Should().Be(source.Replace("#AZRDSFIX-INCLUDE GuestHelpers.Include.ps1", helpers, StringComparison.Ordinal));
        composed.Should().NotContain(GuestScripts.IncludeDirective);
        composed.Split('\n')[0].Should().StartWith("# AZRDSFIX-SCRIPT ", "the simulator still recognises the script by its first line");
    }

    [Fact]
    public void Remediate_Apply_PassesOnlyNonEmptyParametersInScriptOrder()
    {
        var request = GuestScripts.Remediate(RemediationParameters.Apply(4, ["ls01.contoso.com", "10.0.0.4"]));

        request.Kind.Should().Be("remediate");
        request.Lines[0].Should().Be(GuestScripts.RemediationHeader);
        request.Parameters.Should().Equal(
            new KeyValuePair<string, string>("Operation", "4170706c79"),
            new KeyValuePair<string, string>("LicensingMode", "34"),
            new KeyValuePair<string, string>("LicenseServers", ParameterEncoding.Encode("ls01.contoso.com,10.0.0.4")));
        request.Parameters.Select(p => ParameterEncoding.Decode(p.Value)).Should().Equal("Apply", "4", "ls01.contoso.com,10.0.0.4");
        request.Parameters.Should().OnlyContain(p => p.Value.All(char.IsAsciiHexDigitLower), "cmd.exe on the VM passes hex digits unchanged");
    }

    [Fact]
    public void Remediate_ParameterValues_NeverAppearInTheScriptText()
    {
        var plain = GuestScripts.Remediate(RemediationParameters.Apply(null, [], removeRdsh: true));
        var withServers = GuestScripts.Remediate(RemediationParameters.Apply(2, ["unique-marker-host.example"]));

        withServers.Lines.Should().Equal(plain.Lines);
        withServers.Lines.Should().NotContain(l => l.Contains("unique-marker-host", StringComparison.Ordinal));
        plain.Parameters.Should().Equal(
            new KeyValuePair<string, string>("Operation", ParameterEncoding.Encode("Apply")),
            new KeyValuePair<string, string>("RemoveRdsh", ParameterEncoding.Encode("true")));
    }

    [Theory]
    [InlineData("ls01'; Remove-Item C:\\ -Recurse #")]
    [InlineData("$(whoami)")]
    [InlineData("ls01\nls02")]
    public void Remediate_InjectionInServers_ThrowsBeforeBuildingARequest(string server)
    {
        var act = () => GuestScripts.Remediate(RemediationParameters.Apply(4, [server]));

        act.Should().Throw<ArgumentException>().WithMessage("Parameter LicenseServers must be empty or 1 to 4*");
    }

    [Fact]
    public void Remediate_FiveServers_Throws()
    {
        var act = () => GuestScripts.Remediate(RemediationParameters.Apply(4, ["a", "b", "c", "d", "e"]));

        act.Should().Throw<ArgumentException>();
    }
}
