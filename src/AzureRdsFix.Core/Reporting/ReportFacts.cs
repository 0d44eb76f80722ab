using System.Globalization;
using AzureRdsFix.Core.Rules;

namespace AzureRdsFix.Core.Reporting;

/// <summary>Derived values several writers show the same way.</summary>
internal static class ReportFacts
{
    public static string? MainRule(VmReport vm) => RuleCatalog.MainFinding(vm.Findings)?.RuleId;

    /// <summary>"LicensingMode: 5 -> 4; SpecifiedLicenseServers: (none) -> ls01".</summary>
    public static string Changes(VmReport vm) =>
        string.Join("; ", vm.Changes.Select(c => $"{c.Setting}: {c.Before ?? "(none)"} -> {c.After ?? "(none)"}"));

    public static string Seconds(long milliseconds) =>
        (milliseconds / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);

    public static string Timestamp(DateTimeOffset value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
