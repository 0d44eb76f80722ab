using Azure;
using Azure.Core;
using Azure.ResourceManager;
using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Compute.Models;
using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Azure.Scheduling;
using AzureRdsFix.Core.Guest;
using AzureRdsFix.Core.Model;
using Polly;
using Polly.Retry;

namespace AzureRdsFix.Azure.Guest;

/// <summary>
/// Action Run Command (<c>POST …/runCommand</c>, RunPowerShellScript). The script goes as lines and its inputs as
/// Run Command parameters. A 409 "Run command extension execution is in progress" is retried with jittered
/// exponential back-off on the run's clock; the SDK pipeline already retries 429/5xx, paced by the scheduler.
/// </summary>
public sealed class RunCommandGuestChannel : IGuestChannel
{
    public const string ChannelName = "RunCommand";

    private readonly ArmClient _client;
    private readonly LroPoller _poller;
    private readonly ResiliencePipeline _busyRetry;

    public RunCommandGuestChannel(ArmClient client, GuestChannelOptions options, TimeProvider timeProvider, LroPoller? poller = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _poller = poller ?? new LroPoller(new AzureScheduler(timeProvider));
        _busyRetry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RequestFailedException>(IsBusy),
                MaxRetryAttempts = Math.Max(1, options.BusyRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BusyRetryDelay,
                MaxDelay = options.BusyRetryMaxDelay,
            })
            .Build();
    }

    public string Name => ChannelName;

    public async Task<GuestRunResult> RunAsync(VmRef vm, TriageFacts triage, GuestScriptRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(triage);
        ArgumentNullException.ThrowIfNull(request);
        if (!triage.CanRunCommand)
        {
            throw new GuestChannelRefusedException(RefusalReason(vm, triage));
        }

        var input = new RunCommandInput("RunPowerShellScript");
        foreach (var line in request.Lines)
        {
            input.Script.Add(line);
        }

        foreach (var (name, value) in request.Parameters)
        {
            input.Parameters.Add(new RunCommandInputParameter(name, value));
        }

        var resource = _client.GetVirtualMachineResource(new ResourceIdentifier(vm.Id));
        var result = await _busyRetry.ExecuteAsync(
            async token =>
            {
                // Started, then status reads the scheduler places (Run Command sends no Retry-After).
                _poller.Scheduler.RememberLocation(vm.Id, vm.Location);
                var operation = await resource.RunCommandAsync(WaitUntil.Started, input, token);
                return await _poller.WaitAsync(operation, vm.SubscriptionId, token);
            },
            cancellationToken);
        return ReadResult(result);
    }

    /// <summary>StdOut/StdErr by status code ("ComponentStatus/StdOut/succeeded"), not by position; one unlabelled item is stdout.</summary>
    public static GuestRunResult ReadResult(VirtualMachineRunCommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var items = result.Value;
        string? Find(string stream) => items.FirstOrDefault(s => s.Code?.Contains(stream, StringComparison.OrdinalIgnoreCase) == true)?.Message;

        var stdout = Find("StdOut");
        var stderr = Find("StdErr");
        if (stdout is null && stderr is null && items.Count > 0)
        {
            stdout = items[0].Message;
        }

        return new GuestRunResult(stdout ?? string.Empty, stderr ?? string.Empty, ChannelName);
    }

    public static bool IsBusy(RequestFailedException e) =>
        e.Status == 409
        && (e.Message.Contains(AzureErrors.RunCommandBusyMarker, StringComparison.OrdinalIgnoreCase)
            || (e.ErrorCode == "Conflict" && e.GetRawResponse()?.Content.ToString().Contains(AzureErrors.RunCommandBusyMarker, StringComparison.OrdinalIgnoreCase) == true));

    private static string RefusalReason(VmRef vm, TriageFacts triage) => triage switch
    {
        { Os: not OsKind.Windows } => $"VM {vm.Name} is not a Windows VM (OS {triage.Os}), so no PowerShell is sent to it.",
        { Power: not PowerState.Running } => $"VM {vm.Name} is not running (power state {triage.Power}); Run Command needs a running VM.",
        { ExtensionOperationsAllowed: false } => $"VM {vm.Name} has extension operations turned off (osProfile.allowExtensionOperations is false), so Run Command cannot reach the guest.",
        _ => $"VM {vm.Name}'s VM agent is {triage.Agent}, not Ready; Run Command does not work until the agent reports Ready.",
    };
}
