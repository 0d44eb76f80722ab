namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// The guest account the serial console logs in with. The password comes only from the environment variable
/// <see cref="PasswordVariable"/>; <see cref="ToString"/> never shows it, so it cannot reach a log by accident.
/// </summary>
public sealed class SerialCredentials(string user, string? domain, string password)
{
    public const string PasswordVariable = "AZRDSFIX_SERIAL_PASSWORD";

    public string User { get; } = user;

    public string Domain { get; } = domain ?? string.Empty;

    internal string Password { get; } = password;

    public override string ToString() => Domain.Length == 0 ? User : $@"{Domain}\{User}";
}
