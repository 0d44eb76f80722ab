namespace AzureRdsFix.Cli.Arguments;

public static class OptionNames
{
    public const string Subscription = "--subscription";
    public const string ResourceGroup = "--resource-group";
    public const string Vm = "--vm";
    public const string Tag = "--tag";
    public const string Shard = "--shard";
    public const string Cloud = "--cloud";
    public const string ArmEndpoint = "--arm-endpoint";
    public const string Tenant = "--tenant";
    public const string Audience = "--audience";
    public const string Auth = "--auth";
    public const string MaxParallel = "--max-parallel";
    public const string Channel = "--channel";
    public const string SerialUser = "--serial-user";
    public const string SerialDomain = "--serial-domain";
    public const string SerialPasswordVariable = "AZRDSFIX_SERIAL_PASSWORD";
    public const string StepTimeout = "--step-timeout";
    public const string Journal = "--journal";
    public const string Resume = "--resume";
    public const string Out = "--out";
    public const string Format = "--format";
    public const string FailOn = "--fail-on";
    public const string Quiet = "--quiet";
    public const string WarnDays = "--warn-days";
    public const string LicenseServer = "--license-server";
    public const string LicensingMode = "--licensing-mode";
    public const string RemoveRdsh = "--remove-rdsh";
    public const string RemoveLicensingRole = "--remove-licensing-role";
    public const string Restart = "--restart";
    public const string Yes = "--yes";
    public const string Vms = "--vms";
    public const string Fix = "--fix";
    public const string Port = "--port";
    public const string Fleet = "--fleet";
    public const string Subscriptions = "--subscriptions";

    public const string AccessTokenVariable = "AZRDSFIX_ACCESS_TOKEN";
}
