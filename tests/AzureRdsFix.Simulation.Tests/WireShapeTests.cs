using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Guests;

namespace AzureRdsFix.Simulation.Tests;

/// <summary>Raw HTTP against the simulator: the wire details of reference/arm-shapes.md a client must cope with.</summary>
public sealed class WireShapeTests : IAsyncLifetime
{
    private const string ComputeApi = "2024-11-01";
    private SimulatorSession _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorSession.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task RunCommand_Post_Is202EmptyWithBothPollingHeadersAndNoRetryAfter()
    {
        var vm = _sim.Fleet.Vm("rdsh-prod-03");

        using var response = await PostRunCommandAsync(vm);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        response.Content.Headers.ContentLength.Should().Be(0);
        response.Headers.RetryAfter.Should().BeNull();
        var status = response.Headers.GetValues("Azure-AsyncOperation").Single();
        var location = response.Headers.Location!.ToString();
        status.Should().Contain($"/providers/Microsoft.Compute/locations/{vm.Location}/operations/").And.Contain("?p=").And.EndWith($"api-version={ComputeApi}");
        location.Should().Contain("monitor=true");
        response.Headers.GetValues("x-ms-request-id").Single().Should().Be(status.Split("/operations/")[1].Split('?')[0]);
        response.Headers.GetValues("x-ms-ratelimit-remaining-resource").Single().Should().Be("Microsoft.Compute/UpdateVM3Min;239,Microsoft.Compute/UpdateVM30Min;1198");
    }

    [Fact]
    public async Task RunCommand_Polling_StatusThenLocationResult_AcceptsRewrittenApiVersion()
    {
        using var start = await PostRunCommandAsync(_sim.Fleet.Vm("rdsh-prod-03"));
        var status = start.Headers.GetValues("Azure-AsyncOperation").Single().Replace(ComputeApi, "2023-07-01", StringComparison.Ordinal);

        var body = await _sim.Http.GetFromJsonAsync<JsonObject>(status);
        using var result = await _sim.Http.GetAsync(start.Headers.Location);

        body!["status"]!.GetValue<string>().Should().Be("Succeeded");
        body["name"]!.GetValue<string>().Should().NotBeEmpty();
        body["properties"]!["output"]!["value"]!.AsArray().Should().HaveCount(2);
        body.ContainsKey("id").Should().BeFalse("CRP status bodies have no id");
        result.StatusCode.Should().Be(HttpStatusCode.OK);
        var value = (await result.Content.ReadFromJsonAsync<JsonObject>())!["value"]!.AsArray();
        value[0]!["message"]!.GetValue<string>().Should().StartWith("AZRDSFIX probe ");
    }

    [Fact]
    public async Task RunCommand_WhileRunning_StatusInProgressAndLocation202()
    {
        await using var slow = await SimulatorSession.StartAsync(options: new SimulationOptions { LatencyScale = 1 });
        using var start = await PostRunCommandAsync(slow.Fleet.Vm("rdsh-prod-03"), slow.Http);

        var body = await slow.Http.GetFromJsonAsync<JsonObject>(start.Headers.GetValues("Azure-AsyncOperation").Single());
        using var location = await slow.Http.GetAsync(start.Headers.Location);

        body!["status"]!.GetValue<string>().Should().Be("InProgress");
        body.ContainsKey("endTime").Should().BeFalse();
        location.StatusCode.Should().Be(HttpStatusCode.Accepted);
        location.Content.Headers.ContentLength.Should().Be(0);
    }

    [Fact]
    public async Task VmList_NextLinkIsAbsoluteWithEncodedSkipToken()
    {
        var body = await _sim.Http.GetFromJsonAsync<JsonObject>($"subscriptions/{_sim.Fleet.Subscriptions[0].Id}/providers/Microsoft.Compute/virtualMachines?api-version={ComputeApi}");

        var nextLink = body!["nextLink"]!.GetValue<string>();
        nextLink.Should().StartWith(_sim.Azure.Endpoint.ToString()).And.Contain($"api-version={ComputeApi}&%24skiptoken=");
        body["value"]!.AsArray().Should().HaveCount(3);
        var second = await _sim.Http.GetFromJsonAsync<JsonObject>(new Uri(nextLink));
        second!["value"]!.AsArray().Should().BeEmpty();
        second["nextLink"].Should().NotBeNull("an empty page can still have a next one");
    }

    [Fact]
    public async Task ListAll_StatusOnly_CarriesPowerStates()
    {
        var body = await _sim.Http.GetFromJsonAsync<JsonObject>($"subscriptions/{_sim.Fleet.Subscriptions[1].Id}/providers/Microsoft.Compute/virtualMachines?api-version={ComputeApi}&statusOnly=true");

        var first = body!["value"]![0]!;
        first["properties"]!["instanceView"]!["statuses"]![1]!["code"]!.GetValue<string>().Should().Be("PowerState/deallocated");
        body["nextLink"]!.GetValue<string>().Should().Contain("statusOnly=true");
    }

    [Fact]
    public async Task InstanceView_IsBareObject()
    {
        var vm = _sim.Fleet.Vm("rdsh-prod-01");

        var body = await _sim.Http.GetFromJsonAsync<JsonObject>($"{vm.Id}/instanceView?api-version={ComputeApi}");

        body!.ContainsKey("properties").Should().BeFalse();
        body["osName"]!.GetValue<string>().Should().Be("Windows Server 2019 Datacenter");
        body["vmAgent"]!["statuses"]![0]!["displayStatus"]!.GetValue<string>().Should().Be("Ready");
        body["statuses"]!.AsArray().Should().Contain(s => s!["code"]!.GetValue<string>() == "PowerState/running" && !s.AsObject().ContainsKey("time"));
    }

    [Fact]
    public async Task AgentNotReady_InstanceView_ShowsUnknownVersionAndNoGuestFacts()
    {
        var body = await _sim.Http.GetFromJsonAsync<JsonObject>($"{_sim.Fleet.Vm("rdsh-dev-02").Id}/instanceView?api-version={ComputeApi}");

        body!["vmAgent"]!["vmAgentVersion"]!.GetValue<string>().Should().Be("Unknown");
        body["vmAgent"]!["statuses"]![0]!["displayStatus"]!.GetValue<string>().Should().Be("Not Ready");
        body.ContainsKey("osName").Should().BeFalse();
    }

    [Fact]
    public async Task Routing_IsCaseInsensitive()
    {
        var vm = _sim.Fleet.Vm("rdsh-prod-01");

        using var response = await _sim.Http.GetAsync($"{vm.Id.ToUpperInvariant()}/INSTANCEVIEW?API-VERSION={ComputeApi}&unknown=1");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task NoBearerToken_Is401()
    {
        using var anonymous = new HttpClient(SimulatorSession.PinnedHandler(_sim.Azure.Certificate)) { BaseAddress = _sim.Azure.Endpoint };

        using var response = await anonymous.GetAsync("subscriptions?api-version=2022-12-01");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _sim.Azure.Counters.Unauthenticated.Should().Be(1);
    }

    [Theory]
    [InlineData("", "MissingApiVersionParameter")]
    [InlineData("?api-version=2022-07-02", "InvalidApiVersionParameter")]
    public async Task VmGet_MissingOrDiskTrackApiVersion_Is400(string query, string code)
    {
        using var response = await _sim.Http.GetAsync(_sim.Fleet.Vm("rdsh-prod-01").Id + query);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Error(response))["code"]!.GetValue<string>().Should().Be(code);
    }

    [Fact]
    public async Task DiskGet_ComputeTrackApiVersion_Is400()
    {
        using var response = await _sim.Http.GetAsync($"{_sim.Fleet.Vm("rdsh-prod-01").OsDiskId}?api-version={ComputeApi}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Forbidden_CarriesGatewayFailureCause()
    {
        using var response = await _sim.Http.GetAsync($"{_sim.Fleet.Vm("rdsh-fin-01").Id}?api-version={ComputeApi}");

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        response.Headers.GetValues("x-ms-failure-cause").Single().Should().Be("gateway");
        (await Error(response))["message"]!.GetValue<string>().Should().Contain("Microsoft.Compute/virtualMachines/read");
    }

    [Theory]
    [InlineData("resourceGroups/rg-nope/providers/Microsoft.Compute/virtualMachines/x", "ResourceGroupNotFound")]
    [InlineData("resourceGroups/rg-RDSH-prod/providers/Microsoft.Compute/virtualMachines/nope", "ResourceNotFound")]
    public async Task Missing_Is404WithArmCode(string path, string code)
    {
        using var response = await _sim.Http.GetAsync($"subscriptions/{_sim.Fleet.Subscriptions[0].Id}/{path}?api-version={ComputeApi}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Error(response))["code"]!.GetValue<string>().Should().Be(code);
    }

    [Fact]
    public async Task InjectedThrottle_IsComputeStyle429WithRetryAfter()
    {
        await using var throttled = await SimulatorSession.StartAsync(options: SimulationOptions.Instant with { Faults = new FleetFaults(ThrottleEvery: 1) });

        using var response = await throttled.Http.GetAsync($"{throttled.Fleet.Vm("rdsh-prod-01").Id}?api-version={ComputeApi}");

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        var error = await Error(response);
        error["code"]!.GetValue<string>().Should().Be("OperationNotAllowed");
        var detail = JsonNode.Parse(error["details"]![0]!["message"]!.GetValue<string>())!;
        detail["operationGroup"]!.GetValue<string>().Should().Be("LowCostGet3Min");
    }

    [Fact]
    public async Task InjectedServerError_ListIs502ProviderError()
    {
        await using var failing = await SimulatorSession.StartAsync(options: SimulationOptions.Instant with { Faults = new FleetFaults(ServerErrorEvery: 1) });

        using var response = await failing.Http.GetAsync($"subscriptions/{failing.Fleet.Subscriptions[0].Id}/providers/Microsoft.Compute/virtualMachines?api-version={ComputeApi}");

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        (await Error(response))["code"]!.GetValue<string>().Should().Be("ProviderError");
        failing.Azure.Counters.ServerErrors.Should().Be(1);
    }

    [Fact]
    public async Task Snapshot_Put_Is202WithUpdatingBodyAndDiskOperationsPolling()
    {
        var vm = _sim.Fleet.Vm("rdsh-prod-01");
        var body = new JsonObject
        {
            ["location"] = "West Europe",
            ["properties"] = new JsonObject { ["creationData"] = new JsonObject { ["createOption"] = "Copy", ["sourceResourceId"] = vm.OsDiskIdAsCrpWritesIt }, ["incremental"] = true },
        };

        using var response = await _sim.Http.PutAsJsonAsync($"subscriptions/{vm.SubscriptionId}/resourceGroups/{vm.ResourceGroup}/providers/Microsoft.Compute/snapshots/s1?api-version=2023-04-02", body);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        response.Headers.GetValues("Azure-AsyncOperation").Single().Should().Contain("/DiskOperations/");
        var accepted = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        accepted["properties"]!["provisioningState"]!.GetValue<string>().Should().Be("Updating");
        accepted.ContainsKey("id").Should().BeFalse();
        var status = await _sim.Http.GetFromJsonAsync<JsonObject>(response.Headers.GetValues("Azure-AsyncOperation").Single());
        status!["properties"]!["output"]!["properties"]!["provisioningState"]!.GetValue<string>().Should().Be("Succeeded");
    }

    [Fact]
    public async Task Snapshot_GetMissing_Is404()
    {
        var vm = _sim.Fleet.Vm("rdsh-prod-01");

        using var response = await _sim.Http.GetAsync($"subscriptions/{vm.SubscriptionId}/resourceGroups/{vm.ResourceGroup}/providers/Microsoft.Compute/snapshots/none?api-version=2023-04-02");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RunCommand_StdErrNoise_IsClixmlAndStdOutStillWhole()
    {
        using var start = await PostRunCommandAsync(_sim.Fleet.Vm("rdsh-dev-05"));
        using var result = await _sim.Http.GetAsync(start.Headers.Location);

        var value = (await result.Content.ReadFromJsonAsync<JsonObject>())!["value"]!.AsArray();
        value[0]!["message"]!.GetValue<string>().Should().StartWith("AZRDSFIX probe ");
        value[1]!["message"]!.GetValue<string>().Should().StartWith("#< CLIXML");
    }

    [Fact]
    public void ExportCertificatePem_WritesTheServedCertificate()
    {
        var path = Path.Combine(Path.GetTempPath(), $"azrdsfix-sim-{Guid.NewGuid():N}.pem");
        try
        {
            _sim.Azure.ExportCertificatePem(path);

            using var loaded = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(path));
            loaded.Thumbprint.Should().Be(_sim.Azure.Certificate.Thumbprint);
            File.ReadAllText(path).Should().NotContain("PRIVATE KEY");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private Task<HttpResponseMessage> PostRunCommandAsync(SimulatedVm vm, HttpClient? http = null) =>
        (http ?? _sim.Http).PostAsJsonAsync($"{vm.Id}/runCommand?api-version={ComputeApi}", new JsonObject
        {
            ["commandId"] = "RunPowerShellScript",
            ["script"] = new JsonArray(ProbeEmulator.Header, "param()"),
        });

    private static async Task<JsonObject> Error(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.AsObject();
}
