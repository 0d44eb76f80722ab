using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AzureRdsFix.Testing;

/// <summary>
/// A Windows guest stand-in for <see cref="FakeArm"/>: every Run Command's script text, exactly as received, runs under
/// PowerShell 7 (tests/pester/GuestStandIn.ps1) against a guest state file made from a shared fixture
/// (src/AzureRdsFix.Guest/Fixtures/NAME.json). It knows nothing of what the scripts do; the stand-in implements only the
/// guest surface (registry, CIM, features, DNS/TCP, events, services) over the state, and the state file keeps the
/// fixture format, so that tests read registry values at their real paths with their real types.
/// <para>
/// Each Run Command runs either in a fresh runspace of a shared serving pwsh process (<see cref="PwshStandInMode.Worker"/>,
/// the default: about 0.2 s each) or in a pwsh process of its own (<see cref="PwshStandInMode.ProcessPerRun"/>: pwsh's
/// start-up, 2 s or more on a busy machine, every time). Either way bounded by <see cref="Timeout"/>.
/// </para>
/// <para>
/// Restart effects (<see cref="Restart"/>, hooked to FakeArm's restart LRO by <see cref="Attach"/>) are the only
/// guest rules that live here, because a reboot is not a Run Command: see <see cref="Restart"/>.
/// </para>
/// </summary>
public sealed partial class PwshGuest : IDisposable
{
    /// <summary>GetTStoLSConnectivityStatus: LS_STATUS_VALID (a license server was found and can issue licenses).</summary>
    public const int LsStatusValid = 11;

    public const string ModeKey = @"HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core";
    public const string ServersKey = @"HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers";
    public const string PolicyKey = @"HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services";
    public const string ComponentCacheKey = @"HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private readonly List<PwshGuestRun> _runs = [];
    private readonly string _folder;
    private int _scripts;
    private int _restarts;

    private PwshGuest(string fixtureName, JsonObject fixture, TimeSpan timeout, PwshStandInMode mode)
    {
        FixtureName = fixtureName;
        Timeout = timeout;
        Mode = mode;
        OriginalGuest = fixture["guest"]!.AsObject().DeepClone().AsObject();
        _folder = Directory.CreateTempSubdirectory($"azrdsfix-guest-{fixtureName}-").FullName;
        StateFile = Path.Combine(_folder, "state.json");
        var state = new JsonObject { ["description"] = fixture["description"]?.DeepClone(), ["guest"] = OriginalGuest.DeepClone() };
        File.WriteAllText(StateFile, state.ToJsonString(Indented));
    }

    public static string FixtureFolder => Path.Combine(Pwsh.RepoRoot, "src", "AzureRdsFix.Guest", "Fixtures");

    public string FixtureName { get; }

    /// <summary>The guest state in the fixture format (<c>{"description", "guest"}</c>).</summary>
    public string StateFile { get; }

    /// <summary>How long one Run Command may take (pwsh start-up included) before its process tree is killed.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>A fresh pwsh process per Run Command, or a fresh runspace in a shared serving pwsh process.</summary>
    public PwshStandInMode Mode { get; }

    /// <summary>The fixture's guest as it was before anything ran.</summary>
    public JsonObject OriginalGuest { get; }

    public IReadOnlyList<PwshGuestRun> Runs
    {
        get
        {
            lock (_lock)
            {
                return [.. _runs];
            }
        }
    }

    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The guest as the state file holds it now.</summary>
    public JsonObject Guest => ReadState()["guest"]!.AsObject();

    /// <summary>Registry key (HKLM:\ form) → value name → value, case-insensitively, as the state file holds it now.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, GuestRegistryValue>> Registry
    {
        get
        {
            var keys = new Dictionary<string, IReadOnlyDictionary<string, GuestRegistryValue>>(StringComparer.OrdinalIgnoreCase);
            foreach (var (key, values) in Guest["registry"]?.AsObject() ?? [])
            {
                var map = new Dictionary<string, GuestRegistryValue>(StringComparer.OrdinalIgnoreCase);
                foreach (var (name, value) in values?.AsObject() ?? [])
                {
                    map[name] = new GuestRegistryValue(value!["type"]!.GetValue<string>(), value["value"]?.DeepClone());
                }

                keys[key] = map;
            }

            return keys;
        }
    }

    /// <summary>Feature name → InstallState now; null when the guest has no Get-WindowsFeature (client OS).</summary>
    public IReadOnlyDictionary<string, string>? Features => FeaturesOf(Guest);

    /// <summary>A guest made from src/AzureRdsFix.Guest/Fixtures/<paramref name="fixtureName"/>.json.</summary>
    public static PwshGuest FromFixture(string fixtureName, TimeSpan? timeout = null, PwshStandInMode mode = PwshStandInMode.Worker) =>
        new(fixtureName, ReadFixture(fixtureName), timeout ?? TimeSpan.FromMinutes(2), mode);

    /// <summary>A whole shared fixture file (description, guest, expectedProbe).</summary>
    public static JsonObject ReadFixture(string fixtureName)
    {
        var path = Path.Combine(FixtureFolder, fixtureName + ".json");
        return JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidOperationException($"{path} is not a JSON object.");
    }

    /// <summary>The features map of a guest object; null when it has no Get-WindowsFeature.</summary>
    public static IReadOnlyDictionary<string, string>? FeaturesOf(JsonObject guest)
    {
        ArgumentNullException.ThrowIfNull(guest);
        return guest["features"] is JsonObject features
            ? features.ToDictionary(f => f.Key, f => f.Value!.GetValue<string>(), StringComparer.OrdinalIgnoreCase)
            : null;
    }

    /// <summary>One registry value now, or null when the key or value is absent.</summary>
    public GuestRegistryValue? RegistryValue(string key, string name) =>
        Registry.TryGetValue(key, out var values) && values.TryGetValue(name, out var value) ? value : null;

    /// <summary>Makes this guest the VM's: Run Commands run here (in the background), restarts apply <see cref="Restart"/>.</summary>
    public FakeVm Attach(FakeVm vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        vm.RunCommandResponder = Run;
        vm.RespondInBackground = true;
        vm.OnRestart = Restart;
        return vm;
    }

    /// <summary>
    /// Runs one Run Command as a Windows VM would (one at a time per guest): RunPowerShellScript's lines as a .ps1 file (CRLF), its parameters as
    /// <c>-Name value</c> strings; returns the script's stdout and stderr with Windows line ends (FakeArm keeps the last
    /// 4,096 bytes of each, as Run Command does). A stand-in failure (it could not start, could not save the state, or
    /// timed out) throws, which FakeArm turns into a failed operation.
    /// </summary>
    public FakeRunCommandOutput Run(FakeRunCommandCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!string.Equals(call.CommandId, "RunPowerShellScript", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"The guest stand-in runs only RunPowerShellScript, not {call.CommandId}.");
        }

        var started = Stopwatch.GetTimestamp();
        _gate.Wait();
        try
        {
            var script = Path.Combine(_folder, $"script{Interlocked.Increment(ref _scripts)}.ps1");
            File.WriteAllText(script, string.Join("\r\n", call.Script) + "\r\n", new UTF8Encoding(false));
            var parameters = new JsonObject();
            foreach (var (name, value) in call.Parameters)
            {
                parameters[name] = value;
            }

            var (exit, stdout, stderr) = PwshStandInHost.Run(Mode, StateFile, script, parameters.ToJsonString(), Timeout);
            if (exit is 98 or 99)
            {
                throw new InvalidOperationException($"The guest stand-in failed (exit code {exit}): {stderr.Trim()}");
            }

            var output = new FakeRunCommandOutput(WindowsLineEnds(stdout), WindowsLineEnds(stderr));
            lock (_lock)
            {
                _runs.Add(new PwshGuestRun(call, output, exit, Stopwatch.GetElapsedTime(started)));
            }

            return output;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// What a reboot makes effective, applied to the state file (the same rules as the simulator's RestartEffects):
    /// <list type="bullet">
    /// <item>an RDS-RD-Server removal completes: when the feature is no longer Installed, TerminalServerMode becomes 0;</item>
    /// <item>TermService looks for its license server at start. GetTStoLSConnectivityStatus answers what it found, so it is
    ///   derived here and nowhere else: when RDSH is installed (component cache InstallState 1 or feature Installed), the
    ///   effective mode (policy LicensingMode, else local) is 2 or 4, and an effective server (policy LicenseServers if
    ///   non-empty, else SpecifiedLicenseServers; the first 4) resolves (IP literal, or network.dns and not network.dnsTimeout)
    ///   and its first address is open on TCP 135 (network.tcp135), getTStoLSConnectivityStatus answers 11 (VALID_LS) for every server. Otherwise it is left as it was, and so are graceDays
    ///   and the 30-day event counts (a licensed host logs no new lockout events; old ones age out on their own).</item>
    /// </list>
    /// Core's rules do not need the status to call a fixed VM Healthy (RDS001/RDS002 look at mode and reach; only
    /// RDS007 reads the status, for the value 4); this keeps the stand-in's WMI answers consistent with its registry.
    /// </summary>
    public void Restart()
    {
        _gate.Wait();
        try
        {
            var state = ReadState();
            var guest = state["guest"]!.AsObject();
            if (guest["terminalServiceSetting"] is JsonObject setting)
            {
                if (Feature(guest, "RDS-RD-Server") is { } rdsh && !string.Equals(rdsh, "Installed", StringComparison.OrdinalIgnoreCase))
                {
                    setting["terminalServerMode"] = 0;
                }

                if (HasWorkingLicensing(guest))
                {
                    setting["getTStoLSConnectivityStatus"] = new JsonObject
                    {
                        ["*"] = new JsonObject { ["ReturnValue"] = 0, ["TStoLSConnectivityStatus"] = LsStatusValid },
                    };
                }
            }

            File.WriteAllText(StateFile, state.ToJsonString(Indented));
            Interlocked.Increment(ref _restarts);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static bool HasWorkingLicensing(JsonObject guest)
    {
        var rdshInstalled = Number(guest, $@"{ComponentCacheKey}\RDS-RD-Server", "InstallState") == 1
            || string.Equals(Feature(guest, "RDS-RD-Server"), "Installed", StringComparison.OrdinalIgnoreCase)
            || guest["terminalServiceSetting"]?["terminalServerMode"]?.GetValue<int>() == 1;
        var mode = Number(guest, PolicyKey, "LicensingMode") ?? Number(guest, ModeKey, "LicensingMode");
        var policyServers = Split(Value(guest, PolicyKey, "LicenseServers")?.GetValue<string>());
        var servers = policyServers.Count > 0 ? policyServers : Strings(Value(guest, ServersKey, "SpecifiedLicenseServers"));
        var dns = guest["network"]?["dns"] as JsonObject ?? [];
        var dnsTimeout = Strings(guest["network"]?["dnsTimeout"]);
        var tcp135 = guest["network"]?["tcp135"] as JsonObject ?? [];
        string? Address(string host) => IsIpLiteral(host)
            ? IPAddress.Parse(host).ToString()
            : dnsTimeout.Contains(host, StringComparer.OrdinalIgnoreCase)
                ? null
                : Strings(dns.FirstOrDefault(d => string.Equals(d.Key, host, StringComparison.OrdinalIgnoreCase)).Value).FirstOrDefault();
        bool Open(string? address) => address is not null
            && string.Equals(tcp135.FirstOrDefault(t => string.Equals(t.Key, address, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>(), "open", StringComparison.Ordinal);
        var reachable = servers.Take(4).Any(s => Open(Address(s)));
        return rdshInstalled && mode is 2 or 4 && reachable;
    }

    private static bool IsIpLiteral(string host) =>
        (DottedQuad().IsMatch(host) || host.Contains(':', StringComparison.Ordinal)) && IPAddress.TryParse(host, out _);

    private static JsonNode? Value(JsonObject guest, string key, string name)
    {
        var values = guest["registry"]?.AsObject().FirstOrDefault(k => string.Equals(k.Key, key, StringComparison.OrdinalIgnoreCase)).Value?.AsObject();
        return values?.FirstOrDefault(v => string.Equals(v.Key, name, StringComparison.OrdinalIgnoreCase)).Value?["value"];
    }

    private static long? Number(JsonObject guest, string key, string name) =>
        Value(guest, key, name) is JsonValue value && value.TryGetValue<long>(out var number) ? number : null;

    private static string? Feature(JsonObject guest, string name) =>
        guest["features"] is JsonObject features
            ? features.FirstOrDefault(f => string.Equals(f.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>()
            : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n?.GetValue<string>().Trim() ?? string.Empty).Where(s => s.Length > 0)] : [];

    private static List<string> Split(string? text) =>
        [.. (text ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    private static string WindowsLineEnds(string text) => NewLine().Replace(text, "\r\n");

    private JsonObject ReadState() =>
        JsonNode.Parse(File.ReadAllText(StateFile))?.AsObject() ?? throw new InvalidOperationException($"{StateFile} is not a JSON object.");

    [GeneratedRegex(@"\r?\n")]
    private static partial Regex NewLine();

    [GeneratedRegex(@"\A\d{1,3}(\.\d{1,3}){3}\z")]
    private static partial Regex DottedQuad();
}

/// <summary>One registry value as the guest state holds it: type DWord/QWord/String/ExpandString/MultiString/Binary.</summary>
public sealed record GuestRegistryValue(string Type, JsonNode? Value)
{
    public long AsNumber() => Value!.GetValue<long>();

    public string AsString() => Value!.GetValue<string>();

    public IReadOnlyList<string> AsStrings() => [.. Value!.AsArray().Select(v => v!.GetValue<string>())];
}

/// <summary>One Run Command the stand-in ran: what came in, what went out, the script's exit code, how long it took.</summary>
public sealed record PwshGuestRun(FakeRunCommandCall Call, FakeRunCommandOutput Output, int ExitCode, TimeSpan Duration);
