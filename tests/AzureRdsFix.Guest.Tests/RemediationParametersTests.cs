using System.Text.Json.Nodes;

namespace AzureRdsFix.Guest.Tests;

public sealed class RemediationParametersTests
{
    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixtures.RemediateCases())
        {
            data.Add((string)c!["name"]!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Validate_EveryRemediateCase_SameVerdictAndSentenceAsTheScript(string name)
    {
        var c = Fixtures.RemediateCase(name);
        var parameters = FromCase(c["parameters"]!.AsObject());

        var error = parameters.Validate();

        if ((string?)c["expectedKind"] == "error")
        {
            error.Should().Be((string?)c["expectedOutput"]!["message"]);
        }
        else
        {
            error.Should().BeNull();
        }
    }

    [Fact]
    public void Restore_FromAppliedChanges_PutsBackBeforeValuesAndAbsent()
    {
        RemediationChange[] applied =
        [
            new("LicensingMode", "5", "4", true),
            new("SpecifiedLicenseServers", null, "ls01.contoso.com", true),
            new("RDS-Licensing", "Installed", "Available", true),
        ];

        var restore = RemediationParameters.Restore(applied);

        restore.Validate().Should().BeNull();
        restore.ToScriptParameters().Should().Equal(
            new KeyValuePair<string, string>("Operation", ParameterEncoding.Encode("Restore")),
            new KeyValuePair<string, string>("LicensingMode", ParameterEncoding.Encode("5")),
            new KeyValuePair<string, string>("LicenseServers", ParameterEncoding.Encode("<absent>")));
        restore.ToScriptParameters().Should().NotContain(p => p.Value.Contains('<', StringComparison.Ordinal), "a raw '<' is a redirection in Run Command's cmd.exe layer");
    }

    [Fact]
    public void Restore_UnchangedSettings_AreLeftAlone()
    {
        var restore = RemediationParameters.Restore([new("LicensingMode", "4", "4", false)]);

        restore.IsEmpty.Should().BeTrue();
        restore.ToScriptParameters().Should().ContainSingle();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void Apply_ModeOtherThan2Or4_IsInvalid(int mode)
    {
        RemediationParameters.Apply(mode, []).Validate().Should().Be("Parameter LicensingMode must be 2, 4 or empty for Apply.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("<absent>")]
    [InlineData("ls01.contoso.com, ls02")]
    [InlineData("caf\u00e9")]
    public void Encoding_RoundTrips_AndUsesOnlyHexDigits(string value)
    {
        var encoded = ParameterEncoding.Encode(value);

        encoded.Should().MatchRegex("^[0-9a-f]*$");
        ParameterEncoding.Decode(encoded).Should().Be(value);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("zz")]
    [InlineData("c3")]
    public void Decode_NotHexOfUtf8_IsNull(string encoded)
    {
        ParameterEncoding.Decode(encoded).Should().BeNull();
    }

    private static RemediationParameters FromCase(JsonObject parameters) => new()
    {
        Operation = (string?)parameters["Operation"] ?? string.Empty,
        LicensingMode = (string?)parameters["LicensingMode"],
        LicenseServers = (string?)parameters["LicenseServers"],
        RemoveRdsh = (string?)parameters["RemoveRdsh"],
        RemoveLicensingRole = (string?)parameters["RemoveLicensingRole"],
    };
}
