using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Azure.Discovery;

/// <summary>One thing discovery yields: a VM in scope, or a part of the scope that could not be listed.</summary>
public abstract record DiscoveryItem;

/// <summary>
/// A VM in scope. <paramref name="OsDiskId"/> is the managed OS disk id as ARM returned it (the resource group may be
/// upper-cased). <paramref name="EphemeralOsDisk"/>: the OS disk is ephemeral (storageProfile.osDisk.diffDiskSettings.option
/// Local), on the host's local storage: not a managed disk, and it cannot be snapshotted.
/// </summary>
public sealed record DiscoveredVm(VmRef Vm, OsKind Os, string? OsDiskId, bool EphemeralOsDisk = false) : DiscoveryItem;

/// <summary>A subscription, resource group or named VM that could not be listed; the rest of the scope goes on.</summary>
public sealed record DiscoveryFailure(ScopeError Error, AzureErrorKind Kind) : DiscoveryItem;
