namespace AzureRdsFix.Simulation.Guests;

/// <summary>The registry locations and feature names of the guest contract.</summary>
public static class GuestPaths
{
    public const string LicensingCore = @"HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\RCM\Licensing Core";
    public const string LicenseServers = @"HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers";
    public const string RdshComponentCache = @"HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\RDS-RD-Server";
    public const string Policy = @"HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services";

    public const string LicensingModeValue = "LicensingMode";
    public const string SpecifiedLicenseServersValue = "SpecifiedLicenseServers";
    public const string PolicyLicenseServersValue = "LicenseServers";
    public const string InstallStateValue = "InstallState";

    public const string RdshFeature = "RDS-RD-Server";
    public const string LicensingFeature = "RDS-Licensing";
}
