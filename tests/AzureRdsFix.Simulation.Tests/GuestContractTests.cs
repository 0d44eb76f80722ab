using System.Text.Json.Nodes;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Tests;

/// <summary>
/// The shared fixtures hold script and simulator to one contract: the Pester tests run the real scripts against them,
/// these run the simulator's emulation against the same expected outputs.
/// </summary>
public sealed class GuestContractTests
{
    public static TheoryData<string> Fixtures() => [.. GuestFixtures.Names];

    public static TheoryData<string> RemediateCases() =>
        [.. GuestFixtures.RemediateCases().Select(c => c!["name"]!.GetValue<string>())];

    [Fact]
    public void Fixtures_AreEmbedded_AndEveryCaseNamesOne()
    {
        GuestFixtures.Names.Should().Contain(["locked-out", "healthy", "grace-expiring", "gpo-managed", "server-unreachable", "no-rdsh", "licensing-role-unused"]);
        GuestFixtures.RemediateCases().Should().NotBeEmpty();
        GuestFixtures.RemediateCases().Select(c => c!["fixture"]!.GetValue<string>()).Should().OnlyContain(name => GuestFixtures.Exists(name));
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Probe_FixtureGuest_PrintsExpectedProbeExactly(string fixture)
    {
        var guest = GuestFixtures.Get(fixture);
        guest.ExpectedProbe.Should().NotBeNull();

        var line = ProbeEmulator.OutputLine(guest.CreateState());

        line.Should().StartWith("AZRDSFIX probe {");
        // Same keys, same order, same values: compare the compact text, not just the parsed objects.
        line["AZRDSFIX probe ".Length..].Should().Be(guest.ExpectedProbe!.ToJsonString());
        line.Length.Should().BeLessThan(3500);
    }

    [Theory]
    [MemberData(nameof(RemediateCases))]
    public void Remediate_Case_PrintsExpectedOutputAndLeavesExpectedRegistry(string name)
    {
        var testCase = GuestFixtures.RemediateCases().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();
        var guest = GuestFixtures.Get(testCase["fixture"]!.GetValue<string>()).CreateState();
        var parameters = testCase["parameters"]!.AsObject()
            .Select(p => new KeyValuePair<string, string>(p.Key, ParameterHex.Encode(p.Value!.GetValue<string>())))
            .ToList();

        var output = GuestScriptRunner.Run(guest, [RemediationEmulator.Header, "param()"], parameters, new OutputFaults(false, false));

        var kind = testCase["expectedKind"]!.GetValue<string>();
        output.StdErr.Should().BeEmpty();
        output.StdOut.Should().Be($"AZRDSFIX {kind} {testCase["expectedOutput"]!.ToJsonString()}\n");
        Text(Sorted(guest.Registry.ToJson())).Should().Be(Text(Sorted(testCase["expectedRegistryAfter"])));
        var features = guest.Features is null ? null : new JsonObject(guest.Features.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value)));
        Text(Sorted(features)).Should().Be(Text(Sorted(testCase["expectedFeaturesAfter"])));
    }

    [Fact]
    public void Remediate_UnknownParameter_NeverStartsLikePowerShell()
    {
        var guest = GuestFixtures.Get("locked-out").CreateState();

        var output = GuestScriptRunner.Run(guest, [RemediationEmulator.Header], Encoded(("Mode", "4")), new OutputFaults(false, false));

        output.StdOut.Should().BeEmpty();
        output.StdErr.Should().Contain("A parameter cannot be found that matches parameter name 'Mode'.");
    }

    [Fact]
    public void Run_UnknownScript_SaysSoOnStdErr()
    {
        var guest = GuestFixtures.Get("healthy").CreateState();

        var output = GuestScriptRunner.Run(guest, ["Get-Service"], [], new OutputFaults(false, false));

        output.StdOut.Should().BeEmpty();
        output.StdErr.Should().Contain("not a known AZRDSFIX-SCRIPT header");
    }

    [Fact]
    public void Run_ScriptSentAsOneMultiLineString_IsRecognised()
    {
        var guest = GuestFixtures.Get("healthy").CreateState();

        var output = GuestScriptRunner.Run(guest, [ProbeEmulator.Header + "\r\n[CmdletBinding()]\r\nparam()"], [], new OutputFaults(false, false));

        output.StdOut.Should().StartWith("AZRDSFIX probe ");
    }

    [Fact]
    public void Restart_AfterApply_MakesLicenseServerValid()
    {
        var guest = GuestFixtures.Get("locked-out").CreateState();
        RemediationEmulator.Run(guest, Encoded(("Operation", "Apply"), ("LicensingMode", "4"), ("LicenseServers", "ls01.contoso.com")));
        ProbeEmulator.Probe(guest)["reach"]![0]!["lsStatus"]!.GetValue<int>().Should().Be(6, "TermService reads the settings at start");

        RestartEffects.Apply(guest);

        var probe = ProbeEmulator.Probe(guest);
        probe["reach"]![0]!["lsStatus"]!.GetValue<int>().Should().Be(RestartEffects.LsStatusValid);
        probe["mode"]!["local"]!.GetValue<int>().Should().Be(4);
    }

    [Fact]
    public void Restart_AfterRdshRemoval_LeavesRemoteAdministrationMode()
    {
        var guest = GuestFixtures.Get("locked-out").CreateState();
        RemediationEmulator.Run(guest, Encoded(("Operation", "Apply"), ("RemoveRdsh", "true")));

        RestartEffects.Apply(guest);

        var probe = ProbeEmulator.Probe(guest);
        probe["tsMode"]!.GetValue<int>().Should().Be(0);
        probe["rdsh"]!["feature"]!.GetValue<string>().Should().Be("Available");
        probe["graceDays"].Should().BeNull();
    }

    [Theory]
    [InlineData("<absent>", "The system cannot find the file specified.")]
    [InlineData("ls01.contoso.com, ls02.contoso.com", "A positional parameter cannot be found that accepts argument 'ls02.contoso.com'.")]
    public void Run_RawMetacharacterInAParameter_FailsInTheCmdExeLayerAsOnAzure(string raw, string stdErr)
    {
        var guest = GuestFixtures.Get("healthy").CreateState();
        var before = guest.Registry.ToJson().ToJsonString();

        var output = GuestScriptRunner.Run(guest, [RemediationEmulator.Header], [KeyValuePair.Create("Operation", ParameterHex.Encode("Restore")), KeyValuePair.Create("LicenseServers", raw)], new OutputFaults(false, false));

        output.StdOut.Should().BeEmpty("the script never starts");
        output.StdErr.Should().Contain(stdErr);
        guest.Registry.ToJson().ToJsonString().Should().Be(before);
    }

    [Fact]
    public void Run_RawValueThatSurvivesCmdExe_IsRefusedByTheScriptAsNotHex()
    {
        var guest = GuestFixtures.Get("healthy").CreateState();

        var output = GuestScriptRunner.Run(guest, [RemediationEmulator.Header], [KeyValuePair.Create("Operation", "Apply"), KeyValuePair.Create("LicensingMode", ParameterHex.Encode("4"))], new OutputFaults(false, false));

        output.StdOut.Should().Be("AZRDSFIX error {\"message\":\"Parameter Operation must be hex-encoded UTF-8 (two hex digits per byte, 2048 digits at most).\"}\n");
    }

    [Fact]
    public void Run_EncodedAbsentSentinel_RestoresThroughTheCmdExeLayer()
    {
        var guest = GuestFixtures.Get("healthy").CreateState();

        var output = GuestScriptRunner.Run(guest, [RemediationEmulator.Header], Encoded(("Operation", "Restore"), ("LicenseServers", "<absent>")), new OutputFaults(false, false));

        output.StdErr.Should().BeEmpty();
        output.StdOut.Should().Contain("\"status\":\"Applied\"");
        guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue).Should().BeNull();
    }

    private static KeyValuePair<string, string>[] Encoded(params (string Name, string Value)[] parameters) =>
        [.. parameters.Select(p => KeyValuePair.Create(p.Name, ParameterHex.Encode(p.Value)))];

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        null => null,
        _ => node.DeepClone(),
    };
}
