using System.Net.WebSockets;
using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Probing;
using AzureRdsFix.Guest;

namespace AzureRdsFix.Azure.SerialConsole;

/// <summary>
/// The serial console channel (DESIGN.md "Serial console channel"): checks what the az extension checks before it
/// connects (console not disabled for the subscription, boot diagnostics on, VM running: S3), connects through ARM, opens
/// a SAC cmd session, runs the fixed command set and leaves. Every refusal is a <see cref="SerialConsoleException"/> of
/// kind <see cref="SerialFailure.Refused"/> whose message says what to change.
/// </summary>
public sealed class SerialConsoleGuestChannel(ArmClient client, ISerialConnector connector, SerialCredentials? credentials, SacOptions options, TimeProvider time)
{
    public const string ChannelName = "SerialConsole";
    public const string ConnectAction = "Microsoft.SerialConsole/serialPorts/connect/action";

    /// <summary>How often a gateway refusal ("1011 Connection not trusted", about every other attempt per S16) is retried.</summary>
    private const int ConnectAttempts = 3;

    /// <summary>False when no --serial-user / AZRDSFIX_SERIAL_PASSWORD were given: the channel is then never tried.</summary>
    public bool HasCredentials => credentials is not null;

    public Task<ProbeFacts> ProbeAsync(VmRef vm, TriageFacts triage, CancellationToken cancellationToken)
        => InSessionAsync(vm, triage, driver => SerialGuestOperations.ProbeAsync(driver, options, cancellationToken), cancellationToken);

    public Task<RemediationResult> RemediateAsync(VmRef vm, TriageFacts triage, RemediationParameters parameters, CancellationToken cancellationToken)
        => InSessionAsync(vm, triage, driver => SerialGuestOperations.RemediateAsync(driver, parameters, options, cancellationToken), cancellationToken);

    private async Task<T> InSessionAsync<T>(VmRef vm, TriageFacts triage, Func<SacDriver, Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(triage);
        if (credentials is null)
        {
            throw Refused($"no serial console account was given: pass --serial-user (and --serial-domain) and set {SerialCredentials.PasswordVariable} to let the tool reach VM {vm.Name} over the serial console");
        }

        if (triage.Os != OsKind.Windows || triage.Power != PowerState.Running)
        {
            throw Refused($"VM {vm.Name} is {triage.Power}; the serial console needs a running Windows VM: start it and run again");
        }

        var transport = await ConnectAsync(vm, cancellationToken);
        var driver = new SacDriver(transport, options, time);
        try
        {
            try
            {
                await driver.OpenAsync(credentials, cancellationToken);
            }
            catch (SerialConsoleException e) when (e.Failure == SerialFailure.LoginFailed)
            {
                throw Refused($"{e.Message}: check --serial-user, --serial-domain and {SerialCredentials.PasswordVariable} (a local account of VM {vm.Name} with a password)");
            }

            return await work(driver);
        }
        finally
        {
            using var closing = new CancellationTokenSource(options.SacPromptTimeout * 3);
            await driver.CloseAsync(closing.Token);
            await transport.DisposeAsync();
        }
    }

    private async Task<ISerialTransport> ConnectAsync(VmRef vm, CancellationToken cancellationToken)
    {
        var id = new ResourceIdentifier(vm.Id);
        var port = new SerialPortClient(client, id);
        try
        {
            if (await port.IsConsoleDisabledAsync(cancellationToken))
            {
                throw Refused($"the serial console is disabled for subscription {vm.SubscriptionId}: enable it ('az serial-console enable', needs Contributor on the subscription) to let the tool reach VM {vm.Name}");
            }

            var data = (await client.GetVirtualMachineResource(id).GetAsync(cancellationToken: cancellationToken)).Value.Data;
            if (data.BootDiagnostics?.Enabled != true)
            {
                throw Refused($"boot diagnostics are off on VM {vm.Name} and the serial console needs them: enable boot diagnostics (managed storage is enough) and run again");
            }

            for (var attempt = 1; ; attempt++)
            {
                var connectionString = await port.ConnectAsync(cancellationToken);
                try
                {
                    return await connector.ConnectAsync(connectionString, cancellationToken);
                }
                catch (Exception e) when (attempt < ConnectAttempts && e is WebSocketException or SerialConsoleException { Failure: SerialFailure.SessionLost })
                {
                    // The gateway refuses about every other attempt ("1011 Connection not trusted", S16): a fresh connect usually works.
                }
            }
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            var action = e.Message.Contains(ConnectAction, StringComparison.OrdinalIgnoreCase) || e.ErrorCode == "AuthorizationFailed"
                ? ConnectAction
                : "Microsoft.SerialConsole access";
            throw Refused($"the identity lacks {action} on VM {vm.Name} (403 {e.ErrorCode}): grant it (the azrdsfix operator role in infra/role.bicep has it, as does Virtual Machine Contributor) and run again", e);
        }
        catch (WebSocketException e)
        {
            throw new SerialConsoleException(SerialFailure.SessionLost, $"the serial console websocket of VM {vm.Name} could not be opened ({e.Message})", e);
        }
    }

    private static SerialConsoleException Refused(string message, Exception? inner = null) => new(SerialFailure.Refused, message, inner);
}
