namespace AzureRdsFix.Simulation.Fleets;

/// <summary>A fleet file that cannot be used; the message is one sentence naming the file and what is wrong.</summary>
public sealed class FleetFormatException : Exception
{
    public FleetFormatException()
    {
    }

    public FleetFormatException(string message)
        : base(message)
    {
    }

    public FleetFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
