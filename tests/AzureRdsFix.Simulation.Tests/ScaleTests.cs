using Azure.ResourceManager.Compute;
using Azure.ResourceManager.Resources;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;

namespace AzureRdsFix.Simulation.Tests;

public sealed class ScaleTests
{
    [Fact]
    public async Task GeneratedFleet_ListsEveryVmThroughTheSdk()
    {
        var fleet = Fleet.Generate(2000, 2, seed: 42);
        await using var sim = await SimulatorSession.StartAsync(fleet, SimulationOptions.Instant with { Throttle = ThrottleSettings.Off });

        var count = 0;
        await foreach (var subscription in sim.Arm.GetSubscriptions().GetAllAsync())
        {
            await foreach (var _ in subscription.GetVirtualMachinesAsync())
            {
                count++;
            }
        }

        count.Should().Be(2000);
        sim.Azure.Counters[ArmOperation.VirtualMachinesListAll].Should().BeGreaterThan(2000 / 50);
    }
}
