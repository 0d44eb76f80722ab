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
            new KeyValuePair<string, string>("Operation", "Restore"),
            new KeyValuePair<string, string>("LicensingMode", "5"),
            new KeyValuePair<string, string>("LicenseServers", "<absent>"));
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

    private static RemediationParameters FromCase(JsonObject parameters) => new()
    {
        Operation = (string?)parameters["Operation"] ?? string.Empty,
        LicensingMode = (string?)parameters["LicensingMode"],
        LicenseServers = (string?)parameters["LicenseServers"],
        RemoveRdsh = (string?)parameters["RemoveRdsh"],
        RemoveLicensingRole = (string?)parameters["RemoveLicensingRole"],
    };
}
