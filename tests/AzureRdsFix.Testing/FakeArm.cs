using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using AzureRdsFix.Core.Model;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace AzureRdsFix.Testing;

/// <summary>
/// An ARM-compatible HTTPS endpoint that is not ours: WireMock.Net on loopback with a self-signed certificate, answering
/// the wire shapes of reference/arm-shapes.md (absolute %24skiptoken nextLinks with an empty page in the middle, an
/// upper-cased resource group in osDisk ids, bare instance views, Run Command as a 202 + Azure-AsyncOperation +
/// Location LRO, DiskRP snapshot LROs that answer 202 with a body, 409 conflicts, 403 AuthorizationFailed).
/// Independent of AzureRdsFix.Simulation on purpose: the SDK path is checked against a second, hand-written ARM.
/// </summary>
public sealed partial class FakeArm : IAsyncDisposable, IDisposable
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private static readonly Lazy<X509Certificate2> SharedCertificate = new(() => TestCertificates.CreateLoopback());

    private readonly Lock _lock = new();
    private readonly WireMockServer _server;
    private readonly Dictionary<string, FakeSubscription> _subscriptions = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FakeVm> _vms = [];
    private readonly Dictionary<string, FakeSnapshot> _snapshots = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, FakeOperation> _operations = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<FakeFault> _faults = [];
    private readonly List<string> _requests = [];

    private FakeArm(X509Certificate2 certificate)
    {
        Certificate = certificate;
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings { X509Certificate = certificate },
            StartAdminInterface = false,
            DisableJsonBodyParsing = true,
        });
        _server.Given(Request.Create().UsingAnyMethod())
            .AtPriority(int.MaxValue / 2)
            .RespondWith(Response.Create().WithCallback(Handle));
        Endpoint = new Uri($"https://localhost:{_server.Ports[0]}/");
    }

    /// <summary>Base URL to give the SDK (ArmEnvironment endpoint).</summary>
    public Uri Endpoint { get; }

    /// <summary>The self-signed server certificate, to pin in the client under test.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The underlying WireMock server, for extra mappings (use a priority below <c>int.MaxValue / 2</c>).</summary>
    public WireMockServer Server => _server;

    /// <summary>Items per page of VM and subscription lists.</summary>
    public int PageSize { get; set; } = 2;

    /// <summary>InProgress answers each Azure-AsyncOperation poll gives before the final status (each costs the SDK about 1 s).</summary>
    public int PollsBeforeDone { get; set; }

    /// <summary>Retry-After on the snapshot PUT (real DiskRP sends 2; the SDK then waits that long before polling).</summary>
    public int? SnapshotRetryAfterSeconds { get; set; }

    /// <summary>The provisioningState a snapshot ends in once its LRO finishes.</summary>
    public string SnapshotFinalState { get; set; } = "Succeeded";

    /// <summary>When set, requests must carry exactly "Bearer {RequiredToken}" or get 401.</summary>
    public string? RequiredToken { get; set; }

    public IReadOnlyList<FakeVm> Vms
    {
        get
        {
            lock (_lock)
            {
                return [.. _vms];
            }
        }
    }

    public IReadOnlyCollection<FakeSnapshot> Snapshots
    {
        get
        {
            lock (_lock)
            {
                return [.. _snapshots.Values];
            }
        }
    }

    /// <summary>"METHOD /path?query" of every request received, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a fake on a free loopback port. All fakes in a process share one certificate (RSA key generation is slow).</summary>
    public static Task<FakeArm> StartAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new FakeArm(SharedCertificate.Value));
    }

    public FakeArm AddSubscription(string id, string name = "Test subscription", string state = "Enabled", bool forbidden = false)
    {
        lock (_lock)
        {
            _subscriptions[id] = new FakeSubscription(id, name, state, forbidden);
        }

        return this;
    }

    public FakeArm AddResourceGroup(string subscriptionId, string resourceGroup)
    {
        lock (_lock)
        {
            Subscription(subscriptionId).ResourceGroups.Add(resourceGroup);
        }

        return this;
    }

    public FakeVm AddVm(
        string subscriptionId,
        string resourceGroup,
        string name,
        OsKind os = OsKind.Windows,
        PowerState power = PowerState.Running,
        AgentState agent = AgentState.Ready,
        IReadOnlyDictionary<string, string>? tags = null,
        string? probeStdout = null,
        string location = "westeurope")
    {
        var vm = new FakeVm(subscriptionId, resourceGroup, name, location) { Os = os, Power = power, Agent = agent, ProbeStdout = probeStdout };
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            vm.Tags[key] = value;
        }

        lock (_lock)
        {
            Subscription(subscriptionId).ResourceGroups.Add(resourceGroup);
            _vms.Add(vm);
        }

        return vm;
    }

    /// <summary>Answers matching requests with an error (e.g. 429 with Retry-After) before normal routing.</summary>
    public FakeArm AddFault(FakeFault fault)
    {
        lock (_lock)
        {
            _faults.Add(fault);
        }

        return this;
    }

    public int CountRequests(string method, string pathContains) =>
        Requests.Count(r => r.StartsWith(method + " ", StringComparison.OrdinalIgnoreCase) && r.Contains(pathContains, StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private FakeSubscription Subscription(string id)
    {
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            subscription = new FakeSubscription(id, "Test subscription", "Enabled", forbidden: false);
            _subscriptions[id] = subscription;
        }

        return subscription;
    }

    private ResponseMessage Handle(IRequestMessage request)
    {
        var rawQuery = (request.RawQuery ?? string.Empty).TrimStart('?');
        var query = ParseQuery(rawQuery);
        var segments = request.AbsolutePath.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var method = request.Method.ToUpperInvariant();
        lock (_lock)
        {
            _requests.Add($"{method} {request.AbsolutePath}{(rawQuery.Length > 0 ? "?" + rawQuery : string.Empty)}");

            if (RequiredToken is not null
                && (!request.Headers!.TryGetValue("Authorization", out var auth) || auth.FirstOrDefault() != $"Bearer {RequiredToken}"))
            {
                return Json(401, FakeArmJson.Error("InvalidAuthenticationToken", "The access token is invalid."), gateway: true);
            }

            var fault = _faults.FirstOrDefault(f =>
                f.Times > 0
                && string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase)
                && request.AbsolutePath.Contains(f.PathContains, StringComparison.OrdinalIgnoreCase));
            if (fault is not null)
            {
                _faults[_faults.IndexOf(fault)] = fault with { Times = fault.Times - 1 };
                var response = Json(fault.Status, FakeArmJson.Error(fault.Code, fault.Message));
                if (fault.RetryAfterSeconds is { } seconds)
                {
                    response.AddHeader("Retry-After", seconds.ToString(CultureInfo.InvariantCulture));
                }

                return response;
            }

            if (!query.ContainsKey("api-version"))
            {
                return Json(400, FakeArmJson.Error("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."));
            }

            try
            {
                return Route(method, segments, query, request);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or NullReferenceException)
            {
                // A bug in the fake or a request it cannot read: say so in the body rather than as a bare 500.
                return Json(500, FakeArmJson.Error("FakeArmError", e.ToString()));
            }
        }
    }

    private ResponseMessage Route(string method, string[] s, Dictionary<string, string> query, IRequestMessage request)
    {
        bool Is(int index, string text) => s.Length > index && string.Equals(s[index], text, StringComparison.OrdinalIgnoreCase);

        if (s.Length == 1 && Is(0, "subscriptions") && method == "GET")
        {
            return Page("/subscriptions", query, _subscriptions.Values.Select(FakeArmJson.Subscription).ToList());
        }

        if (s.Length < 2 || !Is(0, "subscriptions"))
        {
            return NotFoundRoute(request);
        }

        var subscriptionId = s[1];
        if (!_subscriptions.TryGetValue(subscriptionId, out var subscription))
        {
            return Json(404, FakeArmJson.Error("SubscriptionNotFound", $"The subscription '{subscriptionId}' could not be found."), gateway: true);
        }

        if (s.Length == 2 && method == "GET")
        {
            return Json(200, FakeArmJson.Subscription(subscription));
        }

        if (subscription.Forbidden)
        {
            return Forbidden(method, s, request.AbsolutePath);
        }

        // /subscriptions/{s}/providers/Microsoft.Compute/...
        if (Is(2, "providers") && Is(3, "Microsoft.Compute"))
        {
            if (s.Length == 5 && Is(4, "virtualMachines") && method == "GET")
            {
                var vms = _vms.Where(v => Same(v.SubscriptionId, subscriptionId)).Select(v => FakeArmJson.Vm(v, withInstanceView: false)).ToList();
                return Page(request.AbsolutePath, query, vms);
            }

            if (s.Length == 8 && Is(4, "locations") && (Is(6, "operations") || Is(6, "DiskOperations")) && method == "GET")
            {
                return Operation(s[7], query);
            }

            return NotFoundRoute(request);
        }

        if (!Is(2, "resourceGroups") || s.Length < 4)
        {
            return NotFoundRoute(request);
        }

        var group = s[3];
        if (!subscription.ResourceGroups.Contains(group))
        {
            return Json(404, FakeArmJson.Error("ResourceGroupNotFound", $"Resource group '{group}' could not be found."), gateway: true);
        }

        if (!(Is(4, "providers") && Is(5, "Microsoft.Compute")) || s.Length < 7)
        {
            return NotFoundRoute(request);
        }

        var type = s[6];
        var name = s.Length > 7 ? s[7] : null;
        if (string.Equals(type, "virtualMachines", StringComparison.OrdinalIgnoreCase))
        {
            if (name is null)
            {
                var vms = _vms.Where(v => Same(v.SubscriptionId, subscriptionId) && Same(v.ResourceGroup, group))
                    .Select(v => FakeArmJson.Vm(v, withInstanceView: false)).ToList();
                return method == "GET" ? Page(request.AbsolutePath, query, vms) : NotFoundRoute(request);
            }

            var vm = _vms.FirstOrDefault(v => Same(v.SubscriptionId, subscriptionId) && Same(v.ResourceGroup, group) && Same(v.Name, name));
            if (vm is null)
            {
                return Json(404, FakeArmJson.Error(
                    "ResourceNotFound",
                    $"The Resource 'Microsoft.Compute/virtualMachines/{name}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"));
            }

            var action = s.Length > 8 ? s[8] : null;
            return (method, action?.ToLowerInvariant()) switch
            {
                ("GET", null) => Json(200, VmDocument(vm, query)),
                ("GET", "instanceview") => Json(200, Consume(vm, FakeArmJson.InstanceView(vm))),
                ("POST", "runcommand") => RunCommand(vm, request, query),
                ("POST", "restart") => Restart(vm, query),
                _ => NotFoundRoute(request),
            };
        }

        if (string.Equals(type, "disks", StringComparison.OrdinalIgnoreCase) && name is not null && method == "GET")
        {
            var vm = _vms.FirstOrDefault(v => Same(v.SubscriptionId, subscriptionId) && Same(v.ResourceGroup, group) && Same(v.OsDiskName, name));
            return vm is null
                ? Json(404, FakeArmJson.Error("ResourceNotFound", $"The Resource 'Microsoft.Compute/disks/{name}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"))
                : Json(200, FakeArmJson.Disk(vm));
        }

        if (string.Equals(type, "snapshots", StringComparison.OrdinalIgnoreCase) && name is not null)
        {
            var id = $"/subscriptions/{subscriptionId}/resourceGroups/{group}/providers/Microsoft.Compute/snapshots/{name}";
            return method switch
            {
                "PUT" => PutSnapshot(subscriptionId, id, name, request, query),
                "GET" => _snapshots.TryGetValue(id, out var snapshot)
                    ? Json(200, FakeArmJson.Snapshot(snapshot, withIdentity: true))
                    : Json(404, FakeArmJson.Error("ResourceNotFound", $"The Resource 'Microsoft.Compute/snapshots/{name}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix")),
                _ => NotFoundRoute(request),
            };
        }

        return NotFoundRoute(request);
    }

    private static JsonObject VmDocument(FakeVm vm, Dictionary<string, string> query)
    {
        var expand = query.TryGetValue("$expand", out var value) && Same(value, "instanceView");
        var document = FakeArmJson.Vm(vm, expand);
        return expand ? Consume(vm, document) : document;
    }

    /// <summary>One instance-view read: moves the "agent not Ready yet after a restart" countdown on.</summary>
    private static JsonObject Consume(FakeVm vm, JsonObject document)
    {
        if (vm.PendingStaleReads > 0)
        {
            vm.PendingStaleReads--;
        }
        else if (vm.PendingNotReadyReads > 0)
        {
            vm.PendingNotReadyReads--;
        }

        return document;
    }
}
