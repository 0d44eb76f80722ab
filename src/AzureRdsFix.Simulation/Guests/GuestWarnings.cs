namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// The probe's warnings, {message, errorId}: they must read exactly as the script writes them (the fixtures compare
/// them). The ids are locale-independent: the error id without the command name, and the HResult.
/// </summary>
public static class GuestWarnings
{
    public const string NoTerminalServiceSetting = "Win32_TerminalServiceSetting could not be read: Invalid class";
    public const string NoLicenseKeyPack = "Win32_TSLicenseKeyPack could not be read: Invalid class";
    public const string NoWindowsFeature = "Get-WindowsFeature is not available; role states are unknown.";

    /// <summary>Get-WinEvent on a log that does not exist, sanitized and cut to the warning length (90).</summary>
    public const string RcmAdminLogMissing = "RemoteConnectionManager Admin log could not be read: There is not an event log on the loca";
    public const string SystemLogMissing = "System log could not be read: There is not an event log on the localhost computer that mat";

    /// <summary>Get-CimInstance of a missing class: WBEM_E_INVALID_CLASS.</summary>
    public const string InvalidClassId = "HRESULT 0x80041010 0x80131500";
    public const string CommandNotFoundId = "CommandNotFoundException 0x80131501";
    public const string NoSuchLogId = "NoMatchingLogsFound 0x80131500";

    /// <summary>The probe keeps at most this many warnings.</summary>
    public const int Max = 5;

    /// <summary>The probe reads at most this many events per channel (Get-WinEvent -MaxEvents).</summary>
    public const int MaxEventsPerLog = 500;
}
