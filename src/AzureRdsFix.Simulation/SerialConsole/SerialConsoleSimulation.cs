using System.Collections.Concurrent;

namespace AzureRdsFix.Simulation.SerialConsole;

/// <summary>
/// The simulated Azure Serial Console: the subscription switch, the local account the guests accept, how output drips,
/// and the one live session per VM (a second connection disconnects the first, reference/serial-console.md §2).
/// </summary>
public sealed class SerialConsoleSimulation
{
    /// <summary>The guests' local administrator, as the demo and the tests log in. Not a secret: a simulator fixture.</summary>
    public const string DefaultUser = "rdsadmin";

    public const string DefaultPassword = "Simulated-Serial-Pa55!";

    private readonly ConcurrentDictionary<string, bool> _disabled = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SacSession> _live = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, SacChannels> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Fleets.SimulatedVm> _pending = new(StringComparer.Ordinal);

    public string User { get; set; } = DefaultUser;

    public string Password { get; set; } = DefaultPassword;

    /// <summary>Output is sent in pieces of this many characters (SAC's serial line drips, it does not burst).</summary>
    public int DripChunk { get; set; } = 48;

    public TimeSpan DripDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Every cmd line the guests ran, per VM id (never the login: credentials are not typed into cmd).</summary>
    public ConcurrentQueue<(string VmId, string Line)> Commands { get; } = new();

    /// <summary>Connections accepted per VM id.</summary>
    public ConcurrentDictionary<string, int> Connections { get; } = new(StringComparer.OrdinalIgnoreCase);

    public void Disable(string subscriptionId) => _disabled[subscriptionId] = true;

    public void Enable(string subscriptionId) => _disabled.TryRemove(subscriptionId, out _);

    public bool IsDisabled(string subscriptionId) => _disabled.ContainsKey(subscriptionId);

    internal string NewSession(Fleets.SimulatedVm vm)
    {
        var id = Guid.NewGuid().ToString("N");
        _pending[id] = vm;
        return id;
    }

    internal Fleets.SimulatedVm? TakeSession(string id) => _pending.TryRemove(id, out var vm) ? vm : null;

    /// <summary>Registers the new live session of a VM and disconnects the one before it.</summary>
    internal void Attach(string vmId, SacSession session)
    {
        Connections.AddOrUpdate(vmId, 1, (_, n) => n + 1);
        if (_live.TryGetValue(vmId, out var earlier))
        {
            earlier.Disconnect();
        }

        _live[vmId] = session;
    }

    /// <summary>SAC's channels live in the guest, so they outlive a websocket: a disconnected cmd stays logged in (S4).</summary>
    internal SacChannels ChannelsOf(string vmId) => _channels.GetOrAdd(vmId, _ => new SacChannels());

    internal void Detach(string vmId, SacSession session) => _live.TryRemove(new KeyValuePair<string, SacSession>(vmId, session));
}

/// <summary>One guest's SAC channel table (index 0 is SAC itself; SAC allows ten channels in all).</summary>
internal sealed class SacChannels
{
    public const int Max = 9;

    private int _created;

    public List<CmdChannel> Open { get; } = [];

    public Lock Sync { get; } = new();

    public CmdChannel? Create()
    {
        if (Open.Count >= Max)
        {
            return null;
        }

        var channel = new CmdChannel($"Cmd{++_created:0000}");
        Open.Add(channel);
        return channel;
    }
}

internal sealed class CmdChannel(string name)
{
    public string Name { get; } = name;

    public bool LoggedIn { get; set; }

    public int ErrorLevel { get; set; }
}
