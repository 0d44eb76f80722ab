namespace AzureRdsFix.Simulation.Guests;

/// <summary>
/// What a restart through ARM makes effective in a guest. Deliberately simple, and the only place these rules live:
/// <list type="bullet">
/// <item>the guest contract already shows an uninstalled role as <c>Available</c> (component cache InstallState 0);
///   the restart finishes an RDS-RD-Server removal: TerminalServerMode becomes 0 (remote administration only);</item>
/// <item>when RDSH is installed, the effective mode is 2 or 4 and some effective license server answers on DNS and
///   TCP 135, TermService finds it at start: GetTStoLSConnectivityStatus answers 11 (VALID_LS) for every server. Grace days and the 30-day event counts
///   are left alone: a healthy session host logs no new lockout events, and the old ones age out on their own.</item>
/// </list>
/// </summary>
public static class RestartEffects
{
    public const int LsStatusValid = 11;

    public static void Apply(GuestState guest)
    {
        if (guest.PendingFeatureRemovals.Contains(GuestPaths.RdshFeature) && guest.TerminalServiceSetting is { } tss)
        {
            guest.TerminalServiceSetting = tss with { TerminalServerMode = 0 };
        }

        guest.PendingFeatureRemovals.Clear();
        if (guest.TerminalServiceSetting is { } setting && HasWorkingLicensing(guest))
        {
            guest.TerminalServiceSetting = setting with
            {
                Status = new Dictionary<string, WmiResult>(StringComparer.OrdinalIgnoreCase) { [TerminalServiceSetting.AnyServer] = new(0, LsStatusValid) },
            };
        }

        guest.LicensingChangedSinceRestart = false;
    }

    private static bool HasWorkingLicensing(GuestState guest)
    {
        var probe = ProbeEmulator.Probe(guest);
        var rdshInstalled = probe["rdsh"]!["installState"]?.GetValue<int>() == 1
            || string.Equals(probe["rdsh"]!["feature"]?.GetValue<string>(), "Installed", StringComparison.OrdinalIgnoreCase)
            || probe["tsMode"]?.GetValue<int>() == 1;
        var mode = probe["mode"]!["policy"]?.GetValue<int>() ?? probe["mode"]!["local"]?.GetValue<int>();
        var reachable = probe["reach"]!.AsArray().Any(r => r!["tcp135"]!.GetValue<string>() == Tcp135States.Open);
        return rdshInstalled && mode is 2 or 4 && reachable;
    }
}
