using AzureRdsFix.Core.Probing;

namespace AzureRdsFix.Core.Tests.Support;

/// <summary>Probe facts for the guest situations the fixtures describe, built in code so rule tests stand alone.</summary>
internal static class Probes
{
    /// <summary>RDSH installed, Per User, one reachable server, plenty of grace left.</summary>
    public static ProbeFacts Healthy() => new()
    {
        Computer = "RDSH-01",
        Os = new OsFacts("Microsoft Windows Server 2019 Datacenter", "10.0.17763", "17763"),
        Domain = new DomainFacts(false, "WORKGROUP"),
        Rdsh = new RdshFacts { InstallState = 1, Feature = "Installed" },
        TerminalServerMode = 1,
        LicensingMode = new ModeFacts { Local = 4 },
        LicenseServers = new ServerFacts { Local = ["ls01.contoso.com"] },
        GraceDays = 90,
        Reach = [new Reachability("ls01.contoso.com", true, true) { LsStatus = 11 }],
        LicensingRole = "Available",
    };

    /// <summary>Grace over, mode 5, no server, lockout events: RDP is refused.</summary>
    public static ProbeFacts LockedOut() => Healthy() with
    {
        LicensingMode = new ModeFacts { Local = 5 },
        LicenseServers = new ServerFacts(),
        GraceDays = 0,
        Reach = [],
        Events = new EventCounts { RcmAdmin = new RcmAdminEvents { ModeNotConfigured = 4 } },
    };

    public static ProbeFacts GraceExpiring(int days = 5) => LockedOut() with { GraceDays = days, Events = new EventCounts() };

    /// <summary>Group Policy sets mode 2 and an old server that does not answer on TCP 135.</summary>
    public static ProbeFacts GpoManaged() => Healthy() with
    {
        Domain = new DomainFacts(true, "contoso.com"),
        LicensingMode = new ModeFacts { Local = 4, Policy = 2 },
        LicenseServers = new ServerFacts { Local = ["ls01.contoso.com"], Policy = ["oldls.contoso.com"] },
        Reach = [new Reachability("oldls.contoso.com", true, false) { LsStatus = 6 }],
    };

    public static ProbeFacts ServerUnreachable() => Healthy() with
    {
        Reach = [new Reachability("ls01.contoso.com", true, false) { LsStatus = 6 }],
    };

    /// <summary>Healthy, but GetTStoLSConnectivityStatus(ls01) answers LOWER_VERSION (4).</summary>
    public static ProbeFacts LowerVersion() => Healthy() with { Reach = [new Reachability("ls01.contoso.com", true, true) { LsStatus = 4 }] };

    public static ProbeFacts NoRdsh() => new()
    {
        Computer = "APP-01",
        Os = new OsFacts("Microsoft Windows Server 2022 Datacenter", "10.0.20348", "20348"),
        Rdsh = new RdshFacts { InstallState = null, Feature = "Available" },
        TerminalServerMode = 0,
        LicensingRole = "Available",
    };

    public static ProbeFacts LicensingRoleUnused() => NoRdsh() with { Computer = "LS-OLD", LicensingRole = "Installed" };
}
