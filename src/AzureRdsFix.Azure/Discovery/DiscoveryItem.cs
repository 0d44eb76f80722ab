using AzureRdsFix.Azure.Errors;
using AzureRdsFix.Core.Model;
using AzureRdsFix.Core.Reporting;

namespace AzureRdsFix.Azure.Discovery;

/// <summary>One thing discovery yields: a VM in scope, or a part of the scope that could not be listed.</summary>
public abstract record DiscoveryItem;

/// <summary>A VM in scope. <paramref name="OsDiskId"/> is the managed OS disk id as ARM returned it (the resource group may be upper-cased).</summary>
public sealed record DiscoveredVm(VmRef Vm, OsKind Os, string? OsDiskId) : DiscoveryItem;

/// <summary>A subscription, resource group or named VM that could not be listed; the rest of the scope goes on.</summary>
public sealed record DiscoveryFailure(ScopeError Error, AzureErrorKind Kind) : DiscoveryItem;
