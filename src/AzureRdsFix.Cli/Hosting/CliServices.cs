using System.Security.Cryptography.X509Certificates;

namespace AzureRdsFix.Cli.Hosting;

/// <summary>Everything a command may touch outside itself. Program builds the real one; tests build their own.</summary>
public sealed record CliServices(IOContext IO, ICliEnvironment Environment, TimeProvider Time)
{
    /// <summary>
    /// A certificate this process itself started a server with (the built-in simulator, or a test's fake ARM): trusted
    /// for that endpoint only, in addition to the normal checks. Never set from the command line.
    /// </summary>
    public X509Certificate2? PinnedCertificate { get; init; }
}
