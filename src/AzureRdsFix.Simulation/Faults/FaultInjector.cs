using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Faults;

/// <summary>
/// Fleet-wide "every Nth request" faults. The fault is answered before the operation runs, so a faulted POST starts
/// nothing and a client retry is safe, as with a real throttled or failed front door.
/// </summary>
internal sealed class FaultInjector(FleetFaults faults, TimeProvider time)
{
    private long _requests;

    public ArmReply? Inject(ArmRoute route)
    {
        if (faults.ThrottleEvery <= 0 && faults.ServerErrorEvery <= 0)
        {
            return null;
        }

        var n = Interlocked.Increment(ref _requests);
        if (faults.ThrottleEvery > 0 && n % faults.ThrottleEvery == 0)
        {
            return route.Track == ApiTrack.Resources
                ? ArmErrors.ArmThrottled(route.SubscriptionId ?? "00000000-0000-0000-0000-000000000000")
                : ArmErrors.ComputeThrottled(Policies.For(route.Operation) + "3Min", time.GetUtcNow(), 240, 241);
        }

        if (faults.ServerErrorEvery > 0 && n % faults.ServerErrorEvery == 0)
        {
            return ArmErrors.ServerError(route.Operation is ArmOperation.VirtualMachinesList or ArmOperation.VirtualMachinesListAll);
        }

        return null;
    }
}
