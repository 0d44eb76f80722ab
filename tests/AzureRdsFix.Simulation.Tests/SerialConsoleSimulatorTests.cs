using Azure.Core;
using AzureRdsFix.Azure.SerialConsole;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Guest;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;
using AzureRdsFix.Simulation.SerialConsole;
using RemediationParameters = AzureRdsFix.Guest.RemediationParameters;

namespace AzureRdsFix.Simulation.Tests;

/// <summary>The simulator's serial console driven by the tool's own client: ARM connect, websocket handshake, SAC, cmd.</summary>
public sealed class SerialConsoleSimulatorTests
{
    private static readonly TriageFacts Running = new(OsKind.Windows, PowerState.Running, AgentState.NotReady);

    private static SerialConsoleGuestChannel Channel(SimulatorSession session, SerialCredentials? credentials = null, SacOptions? options = null) => new(
        session.Arm,
        new WebSocketSerialConnector(new SimToken(), "https://management.azure.com/.default", session.Azure.Certificate),
        credentials ?? new SerialCredentials(SerialConsoleSimulation.DefaultUser, null, SerialConsoleSimulation.DefaultPassword),
        options ?? SacOptions.Fast,
        TimeProvider.System);

    private static VmRef Ref(SimulatedVm vm) => new(vm.Id, vm.Name, vm.SubscriptionId, vm.ResourceGroup, vm.Location, new Dictionary<string, string>());

    [Fact]
    public async Task ProbeAsync_LockedOutGuest_ReadsWhatTheRunCommandProbeReads()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");

        var facts = await Channel(session).ProbeAsync(Ref(vm), Running, CancellationToken.None);

        var expected = ProbeEmulator.Probe(vm.Guest!);
        facts.Rdsh.InstallState.Should().Be((int?)expected["rdsh"]!["installState"]);
        facts.LicensingMode.Local.Should().Be((int?)expected["mode"]!["local"]);
        facts.LicensingMode.Policy.Should().Be((int?)expected["mode"]!["policy"]);
        facts.LicenseServers.Local.Should().Equal(expected["servers"]!["local"]!.AsArray().Select(n => (string)n!));
        facts.GraceDays.Should().Be((int?)expected["graceDays"]);
        session.Azure.SerialConsole.Commands.Select(c => c.Line).Should().OnlyContain(l => l.StartsWith("echo ", StringComparison.Ordinal) || l.StartsWith("reg query ", StringComparison.Ordinal) || l.StartsWith("powershell ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemediateAsync_LockedOutGuest_WritesModeAndServersWithRegAddAndReportsBeforeAfter()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        var server = session.Fleet.LicenseServer!;

        var result = await Channel(session).RemediateAsync(Ref(vm), Running, RemediationParameters.Apply(4, [server]), CancellationToken.None);

        result.Status.Should().Be(RemediationStatus.Applied);
        result.RestartNeeded.Should().BeTrue();
        result.Changes.Should().ContainEquivalentOf(new RemediationChange("LicensingMode", ProbeEmulator.Probe(Fleet.Demo().Vm("rdsh-dev-02").Guest!)["mode"]!["local"]?.ToString(), "4", true));
        result.Changes.Should().ContainEquivalentOf(new RemediationChange("SpecifiedLicenseServers", null, server, true));
        vm.Guest!.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)!.DWord.Should().Be(4);
        vm.Guest.Registry.Get(GuestPaths.LicenseServers, GuestPaths.SpecifiedLicenseServersValue)!.Lines.Should().Equal(server);
        session.Azure.SerialConsole.Commands.Select(c => c.Line).Where(l => l.StartsWith("reg add", StringComparison.Ordinal)).Should().OnlyContain(l => l.EndsWith(" /f", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondConnection_DisconnectsTheFirst()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        var (first, firstDriver) = await OpenAsync(session, vm);
        await using var _ = first;
        var (second, secondDriver) = await OpenAsync(session, vm);
        await using var __ = second;

        var lost = await FluentActions.Awaiting(() => firstDriver.RunAsync("echo hi", null, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>();
        lost.Which.Failure.Should().BeOneOf(SerialFailure.SessionLost, SerialFailure.Protocol, SerialFailure.Timeout);
        (await secondDriver.RunAsync("echo hi", null, CancellationToken.None)).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task RegAddWithoutForce_OverAnExistingValue_FailsAsRegExeWouldPrompt()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-prod-03");
        var (transport, driver) = await OpenAsync(session, vm);
        await using var _ = transport;

        var output = await driver.RunAsync("reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\RCM\\Licensing Core\" /v LicensingMode /t REG_DWORD /d 2", null, CancellationToken.None);

        output.ExitCode.Should().Be(1);
    }

    [Fact]
    public async Task Sessions_LeaveNoChannelBehind()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        var channel = Channel(session);

        for (var i = 0; i < 12; i++)
        {
            await channel.ProbeAsync(Ref(vm), Running, CancellationToken.None);
        }

        session.Azure.SerialConsole.Connections[vm.Id].Should().Be(12, "twelve sessions, each on a fresh cmd channel, fit SAC's nine-channel table only if each closes its own");
    }

    [Fact]
    public async Task LoginRefused_IsARefusalNamingTheAccountNotThePassword()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        vm.SerialConsole.LoginRefused = true;

        var error = (await FluentActions.Awaiting(() => Channel(session).ProbeAsync(Ref(vm), Running, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.Refused);
        error.Message.Should().Contain("rdsadmin").And.Contain(SerialCredentials.PasswordVariable).And.NotContain(SerialConsoleSimulation.DefaultPassword);
    }

    [Fact]
    public async Task ConsoleDisabledForTheSubscription_IsARefusalSayingHowToEnableIt()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        session.Azure.SerialConsole.Disable(vm.SubscriptionId);

        var error = (await FluentActions.Awaiting(() => Channel(session).ProbeAsync(Ref(vm), Running, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.Refused);
        error.Message.Should().Contain("disabled for subscription").And.Contain("az serial-console enable");
        session.Azure.SerialConsole.Connections.Should().BeEmpty();
    }

    [Fact]
    public async Task BootDiagnosticsOff_IsARefusalSayingToEnableThem()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        vm.SerialConsole.BootDiagnostics = false;

        var error = (await FluentActions.Awaiting(() => Channel(session).ProbeAsync(Ref(vm), Running, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.Refused);
        error.Message.Should().Contain("enable boot diagnostics");
    }

    [Fact]
    public async Task ConnectWithoutTheConnectAction_IsARefusalNamingTheAction()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        vm.SerialConsole.ConnectForbidden = true;

        var error = (await FluentActions.Awaiting(() => Channel(session).ProbeAsync(Ref(vm), Running, CancellationToken.None)).Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.Refused);
        error.Message.Should().Contain("Microsoft.SerialConsole/serialPorts/connect/action").And.Contain("infra/role.bicep");
    }

    [Fact]
    public async Task DroppedMidRegAdd_ChangeIsMadeButTheToolSeesTheSessionLost()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        vm.SerialConsole.DropAfterCommand = "reg add";

        var error = (await FluentActions.Awaiting(() => Channel(session).RemediateAsync(Ref(vm), Running, RemediationParameters.Apply(4, [session.Fleet.LicenseServer!]), CancellationToken.None))
            .Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.SessionLost);
        vm.Guest!.Registry.Get(GuestPaths.LicensingCore, GuestPaths.LicensingModeValue)!.DWord.Should().Be(4, "the guest ran the command before the connection dropped");
    }

    [Fact]
    public async Task SacNotEnabledInTheGuest_TimesOutNamingTheSacPromptAndClosesTheSocket()
    {
        await using var session = await SimulatorSession.StartAsync();
        var vm = session.Fleet.Vm("rdsh-dev-02");
        vm.SerialConsole.Silent = true;
        var options = SacOptions.Fast with { SacPromptTimeout = TimeSpan.FromMilliseconds(300) };

        var error = (await FluentActions.Awaiting(() => Channel(session, options: options).ProbeAsync(Ref(vm), Running, CancellationToken.None))
            .Should().ThrowAsync<SerialConsoleException>()).Which;

        error.Failure.Should().Be(SerialFailure.Timeout);
        error.Message.Should().Contain("SAC> prompt").And.Contain("0.3 s");
    }

    private static async Task<(ISerialTransport, SacDriver)> OpenAsync(SimulatorSession session, SimulatedVm vm)
    {
        using var http = new HttpRequestMessage(HttpMethod.Post, $"{vm.Id}/providers/Microsoft.SerialConsole/serialPorts/0/connect?api-version=2024-07-01");
        using var response = await session.Http.SendAsync(http);
        response.EnsureSuccessStatusCode();
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var uri = new Uri(body.RootElement.GetProperty("connectionString").GetString()!);
        var transport = await WebSocketSerialTransport.ConnectAsync(uri, "sim-token", session.Azure.Certificate, TimeSpan.FromSeconds(10), CancellationToken.None);
        var driver = new SacDriver(transport, SacOptions.Fast, TimeProvider.System);
        await driver.OpenAsync(new SerialCredentials(SerialConsoleSimulation.DefaultUser, null, SerialConsoleSimulation.DefaultPassword), CancellationToken.None);
        return (transport, driver);
    }

    private sealed class SimToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("sim-token", DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
